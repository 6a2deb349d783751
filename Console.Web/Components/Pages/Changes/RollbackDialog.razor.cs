using Microsoft.AspNetCore.Components;
using MudBlazor;
using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Web.Components.Pages.Changes;

/// <summary>
/// The one-click rollback: what will happen, a reason, the manual steps of an external change, then the five
/// steps of <see cref="RollbackProcedure"/> as they complete. The procedure decides; its refusals are shown as they are.
/// </summary>
public partial class RollbackDialog
{
    [Inject] public required RollbackProcedure Procedure { get; init; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; init; }
    [Parameter, EditorRequired] public required ConfigChange Change { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }

    internal static readonly RollbackStep[] AllSteps = Enum.GetValues<RollbackStep>();

    private string? reason, anywayReason, error, reasonError, anywayError;
    private bool[] confirmed = [];
    private IReadOnlyList<string> checklist = [];
    private List<RollbackStepResult> steps = [];
    private RollbackOutcome? outcome;
    private bool running, started;

    /// <summary>Opens the dialog for a change; true when a rollback completed.</summary>
    public static async Task<bool> ShowAsync(IDialogService dialogs, ConfigChange change, Actor actor)
    {
        var parameters = new DialogParameters<RollbackDialog> { { d => d.Change, change }, { d => d.Actor, actor } };
        // A running rollback must be watched to its end: no closing by a stray click or Escape.
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false };
        var reference = await dialogs.ShowAsync<RollbackDialog>($"Roll back change #{change.Number}", parameters, options);
        var result = await reference.Result;
        return result is { Canceled: false, Data: true };
    }

    protected override void OnInitialized()
    {
        checklist = Procedure.ManualSteps(Change);
        confirmed = new bool[checklist.Count];
    }

    internal bool NeedsChecklist => checklist.Count > 0;
    private bool ChecklistDone => confirmed.All(c => c);
    private bool Succeeded => outcome?.Succeeded == true;
    private bool CanConfirm => !running && !started && ChecklistDone;

    private Task ConfirmAsync()
    {
        reasonError = string.IsNullOrWhiteSpace(reason) ? "Say why the change is rolled back." : null;
        return reasonError is null ? RunAsync(reason!, anyway: false) : Task.CompletedTask;
    }

    private Task AnywayAsync()
    {
        anywayError = string.IsNullOrWhiteSpace(anywayReason) ? "Say why it is rolled back although it was changed again." : null;
        return anywayError is null ? RunAsync(anywayReason!, anyway: true) : Task.CompletedTask;
    }

    private async Task RunAsync(string why, bool anyway)
    {
        error = null;
        outcome = null;
        steps = [];
        running = started = true;
        var progress = new StepProgress(step => _ = InvokeAsync(() =>
        {
            if (!steps.Contains(step))
                steps.Add(step);
            StateHasChanged();
        }));
        try
        {
            // Not the circuit's token: a closed browser must not abandon a rollback half way.
            outcome = await Procedure.RunAsync(Actor, new RollbackRequest(Change.Id, why.Trim(), anyway, NeedsChecklist ? confirmed : null),
                progress, CancellationToken.None);
            steps = [.. outcome.Steps];
        }
        catch (DomainRuleException rule) when (rule.Field == "Reason")
        {
            if (anyway) anywayError = rule.Message;
            else reasonError = rule.Message;
            started = false;
        }
        catch (Exception e) when (e is RollbackRefusedException or AccessDeniedException or DomainRuleException or NpgsqlException or TimeoutException)
        {
            error = e.Message;
        }
        finally
        {
            running = false;
        }
    }

    private void Close() => Dialog.Close(DialogResult.Ok(Succeeded));

    private RollbackStepResult? ResultOf(RollbackStep step) => steps.LastOrDefault(s => s.Step == step);

    internal static string StepText(RollbackStep step) => step switch
    {
        RollbackStep.Authorize => "Authorize",
        RollbackStep.Precheck => "Precheck",
        RollbackStep.Execute => "Execute",
        RollbackStep.Verify => "Verify",
        _ => "Record",
    };

    /// <summary>Reports each step as the procedure reaches it (Progress&lt;T&gt; would post them late and out of order).</summary>
    private sealed class StepProgress(Action<RollbackStepResult> report) : IProgress<RollbackStepResult>
    {
        public void Report(RollbackStepResult value) => report(value);
    }
}
