using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Changes;

/// <summary>
/// The lifecycle actions on a change, as <see cref="ConfigChange.AllowedActions"/> answers them for the signed-in user:
/// the allowed ones as buttons, the others with the reason when it is one the user can do something about (a role, the
/// two-person rule). The component decides nothing; the services enforce the same rules, and their refusals show here.
/// </summary>
public partial class ChangeActions : ActorComponentBase
{
    [Inject] public required ChangeRegistry Registry { get; init; }
    [Inject] public required ChangeApplier Applier { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }
    [Inject] public required TimeProvider Time { get; init; }

    [Parameter, EditorRequired] public required ConfigChange Change { get; set; }
    [Parameter, EditorRequired] public required Actor? Actor { get; set; }
    [Parameter] public EventCallback Reload { get; set; }
    /// <summary>Told when the rollback dialog opens (true) and closes (false); a plain callback, so telling renders nothing.</summary>
    [Parameter] public Action<bool>? RollbackOpen { get; set; }
    /// <summary>The rehearsal the change last recorded, its verdict shown beside Approve (the review policy reads it).</summary>
    [Parameter] public Rehearsal? LatestRehearsal { get; set; }

    private string? comment, appliedAt;
    private bool applying;
    private ApplyResult? applyResult;
    private ChangeActionSet? actions;

    protected override void OnParametersSet() => actions = Actor is null ? null : Change.AllowedActions(Actor);

    /// <summary>The page already knows who is signed in; the actions act as that person.</summary>
    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor ?? throw new InvalidOperationException("Nobody is signed in."));

    private bool Allows(ChangeAction action) => actions?.Allows(action) == true;

    internal bool CanSubmit => Allows(ChangeAction.Submit);
    internal bool CanApprove => Allows(ChangeAction.Approve);
    internal bool CanReject => Allows(ChangeAction.Reject);
    internal bool CanComment => Allows(ChangeAction.Comment);
    internal bool CanReview => CanApprove || CanReject || CanComment;
    internal bool CanApply => Allows(ChangeAction.Apply);
    internal bool CanMarkApplied => Allows(ChangeAction.MarkApplied);
    internal bool CanRollBack => Allows(ChangeAction.RollBack);
    private bool AnyAction => actions?.Allowed.Any() == true;

    /// <summary>Actions refused for a role or the two-person rule, grouped by reason ("Approve, Reject: …"); a status reason goes without saying.</summary>
    private IEnumerable<(string Actions, string Reason)> WhyNot =>
        (actions?.Unavailable ?? []).Where(o => o.Bar != ChangeActionBar.Status)
            .GroupBy(o => o.Reason!)
            .Select(g => (string.Join(", ", g.Select(o => Label(o.Action))), g.Key));

    private string NoActionText => Change.CanRollBack || Change.Status is ChangeStatus.Draft or ChangeStatus.InReview or ChangeStatus.Approved or ChangeStatus.Detected
        ? "Your roles allow no action on this change now."
        : $"No further action: the change is {ChangeStatusText.Of(Change.Status)}.";

    internal static string Label(ChangeAction action) => action switch
    {
        ChangeAction.Submit => "Submit for review",
        ChangeAction.MarkApplied => "Mark as applied",
        ChangeAction.RollBack => "Rollback",
        _ => action.ToString(),
    };

    private static string RehearsalVerdict(Rehearsal r) => r.Status switch
    {
        RehearsalStatus.Passed => "passed",
        RehearsalStatus.Failed => r.Verdict is { } verdict ? $"failed ({verdict[(verdict.IndexOf(':') + 1)..].Trim()})" : "failed",
        _ => $"no verdict ({RehearsalStatusText.Of(r.Status)})",
    };

    private string RehearsalIcon => Change.LastRehearsalPassed switch
    {
        true => Icons.Material.Filled.CheckCircle,
        false => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Filled.HelpOutline,
    };

    private Color RehearsalColor => Change.LastRehearsalPassed switch { true => Color.Success, false => Color.Error, _ => Color.Warning };

    private Task SubmitAsync() => ActAsync(a => Registry.SubmitAsync(a, Change.Id), "Submitted for review.");
    private Task ApproveAsync() => ActAsync(a => Registry.ApproveAsync(a, Change.Id, comment ?? ""), "Approved.");
    private Task RejectAsync() => ActAsync(a => Registry.RejectAsync(a, Change.Id, comment ?? ""), "Rejected.");
    private Task CommentAsync() => ActAsync(a => Registry.CommentAsync(a, Change.Id, comment ?? ""), "Comment added.");

    private Task ApplyAsync() => ActAsync(async a =>
    {
        applying = true;
        applyResult = null;
        StateHasChanged();
        try { applyResult = await Applier.ApplyAsync(a, Change.Id); }
        finally { applying = false; }
    }, null);

    private async Task RollBackAsync()
    {
        Errors.Clear();
        if (Actor is null)
            return;
        RollbackOpen?.Invoke(true);
        try
        {
            if (await RollbackDialog.ShowAsync(Dialogs, Change, Actor))
                await Reload.InvokeAsync();
        }
        finally
        {
            RollbackOpen?.Invoke(false);
        }
    }

    private Task MarkAppliedAsync()
    {
        // Read in the viewer's zone, which the field's label names; stored in UTC.
        var (at, error) = ViewerTimeZone.ReadInput(appliedAt, Zone);
        if (at is not { } applied)
        {
            Errors.Add("AppliedAt", error is null or ViewerTimeZone.NotATime ? "Give the date and time it was applied." : error);
            return Task.CompletedTask;
        }
        return ActAsync(a => Registry.MarkAppliedOutsideAsync(a, Change.Id, applied), "Marked as applied.");
    }

    private async Task ActAsync(Func<Actor, Task> action, string? done)
    {
        if (Actor is null || !await RunAsync(action))
            return;
        comment = null;
        if (done is not null)
            Snackbar.Add(done, Severity.Success);
        await Reload.InvokeAsync();
    }
}
