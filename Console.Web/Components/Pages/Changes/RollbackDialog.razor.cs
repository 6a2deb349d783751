using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Changes;

/// <summary>
/// The one-click rollback: what will happen, a reason, the manual steps of an external change, then the five
/// steps of <see cref="RollbackProcedure"/> as they complete. The procedure decides; its refusals are shown as they are.
/// </summary>
public partial class RollbackDialog : ActorComponentBase, IDisposable
{
    [Inject] public required RollbackProcedure Procedure { get; init; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; init; }
    [Parameter, EditorRequired] public required ConfigChange Change { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }
    /// <summary>
    /// How the rollback runs, when not straight through the procedure: an incident runs it through its own service, which
    /// writes the start and the end on its timeline around the same procedure.
    /// </summary>
    [Parameter] public Func<Actor, RollbackRequest, IProgress<RollbackStepResult>, Task<RollbackOutcome>>? Run { get; set; }
    /// <summary>What happens besides the rollback (an incident's timeline and status), said under "What will happen".</summary>
    [Parameter] public string? Aftermath { get; set; }
    /// <summary>
    /// A reason the caller already knows (an incident's number and title), put in the field ready to confirm: still editable,
    /// still required. With one, the dialog opens with focus on Confirm, so a rollback is one click and Enter.
    /// </summary>
    [Parameter] public string? SuggestedReason { get; set; }

    internal static readonly RollbackStep[] AllSteps = Enum.GetValues<RollbackStep>();

    private string? reason, anywayReason, reasonError, anywayError;
    private bool[] confirmed = [];
    private IReadOnlyList<string> checklist = [];
    private List<RollbackStepResult> steps = [];
    private RollbackOutcome? outcome;
    private bool running, started;
    private RenderThrottle? stepRenders;

    /// <summary>The longest a completed step waits to be shown.</summary>
    private static readonly TimeSpan StepRenderGap = TimeSpan.FromMilliseconds(100);

    /// <summary>Opens the dialog for a change; true when a rollback completed.</summary>
    public static async Task<bool> ShowAsync(IDialogService dialogs, ConfigChange change, Actor actor,
        Func<Actor, RollbackRequest, IProgress<RollbackStepResult>, Task<RollbackOutcome>>? run = null, string? aftermath = null,
        string? suggestedReason = null)
    {
        var parameters = new DialogParameters<RollbackDialog>
        {
            { d => d.Change, change }, { d => d.Actor, actor }, { d => d.Run, run }, { d => d.Aftermath, aftermath },
            { d => d.SuggestedReason, suggestedReason },
        };
        // A running rollback must be watched to its end: no closing by a stray click or Escape.
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false };
        var reference = await dialogs.ShowAsync<RollbackDialog>($"Roll back change #{change.Number}", parameters, options);
        var result = await reference.Result;
        return result is { Canceled: false, Data: true };
    }

    /// <summary>The change page hands over who is signed in; the rollback runs as that person.</summary>
    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    protected override void OnInitialized()
    {
        checklist = Procedure.ManualSteps(Change);
        confirmed = new bool[checklist.Count];
        reason = SuggestedReason;
    }

    internal bool NeedsChecklist => checklist.Count > 0;
    private bool ChecklistDone => confirmed.All(c => c);
    private bool Succeeded => outcome?.Succeeded == true;
    private bool CanConfirm => !running && !started && ChecklistDone;

    private bool HasSuggestedReason => !string.IsNullOrWhiteSpace(SuggestedReason);

    private MudButton? confirmButton;
    private MudTextField<string?>? reasonField;

    /// <summary>
    /// With a reason given (MudBlazor's own focus is off then: it would come later and take focus away), and nothing to
    /// tick, focus is on Confirm, so the Roll back click and Enter are the rollback.
    /// While manual steps wait to be ticked, or after the reason was refused, it is on the reason instead.
    /// </summary>
    private async Task FocusFirstAsync()
    {
        if (!NeedsChecklist && reasonError is null && confirmButton is not null)
            await confirmButton.FocusAsync();
        else if (reasonField is not null)
            await reasonField.FocusAsync();
    }

    private Task ConfirmAsync()
    {
        reasonError = string.IsNullOrWhiteSpace(reason) ? "Say why the change is rolled back." : null;
        return reasonError is null ? RollBackAsync(reason!, anyway: false) : Task.CompletedTask;
    }

    private Task AnywayAsync()
    {
        anywayError = string.IsNullOrWhiteSpace(anywayReason) ? "Say why it is rolled back although it was changed again." : null;
        return anywayError is null ? RollBackAsync(anywayReason!, anyway: true) : Task.CompletedTask;
    }

    private async Task RollBackAsync(string why, bool anyway)
    {
        outcome = null;
        steps = [];
        running = started = true;
        var reported = new System.Collections.Concurrent.ConcurrentQueue<RollbackStepResult>();
        // Steps that complete close together share a render: a quick rollback is a handful of renders, not one per step,
        // and the one that shows the outcome never queues behind them. A slow step still shows within one gap.
        stepRenders?.Dispose();
        var renders = stepRenders = new RenderThrottle(StepRenderGap, () => InvokeAsync(() =>
        {
            while (reported.TryDequeue(out var step))
                if (!steps.Contains(step))
                    steps.Add(step);
            StateHasChanged();
        }));
        var progress = new StepProgress(step =>
        {
            reported.Enqueue(step);
            renders.Request();
        });
        try
        {
            // Not the circuit's token: a closed browser must not abandon a rollback half way.
            var done = await RunAsync(async actor =>
            {
                var request = new RollbackRequest(Change.Id, why.Trim(), anyway, NeedsChecklist ? confirmed : null);
                // Off the circuit's dispatcher: the procedure's own awaits then never queue behind the renders its
                // step reports cause (measured by a real click: see RollbackClickBenchmark).
                outcome = Run is { } run ? await run(actor, request, progress)
                    : await Task.Run(() => Procedure.RunAsync(actor, request, progress, CancellationToken.None), CancellationToken.None);
                steps = [.. outcome.Steps];
            });
            if (!done && Errors.Has("Reason"))
            {
                // The reason is refused under the field it was typed into, and can be typed again.
                if (anyway) anywayError = Errors.Message;
                else reasonError = Errors.Message;
                started = false;
            }
        }
        finally
        {
            running = false;
        }
    }

    private void Close() => Dialog.Close(DialogResult.Ok(Succeeded));

    public void Dispose()
    {
        stepRenders?.Dispose();
        GC.SuppressFinalize(this);
    }

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
