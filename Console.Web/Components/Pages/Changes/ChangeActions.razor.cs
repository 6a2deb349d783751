using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Web.Components.Pages.Changes;

/// <summary>
/// The lifecycle actions the signed-in user may take on a change in its current status. Hiding a button is a
/// courtesy: the services decide, and their refusal is shown here as it is.
/// </summary>
public partial class ChangeActions
{
    [Inject] public required ChangeRegistry Registry { get; init; }
    [Inject] public required ChangeApplier Applier { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    [Parameter, EditorRequired] public required ConfigChange Change { get; set; }
    [Parameter, EditorRequired] public required Actor? Actor { get; set; }
    [Parameter] public EventCallback Reload { get; set; }

    private string? comment, appliedAt, error, errorField;
    private bool busy, applying;
    private ApplyResult? applyResult;

    private bool IsAuthor => Actor?.Id == Change.AuthorId;
    private bool Can(Permission p) => Actor?.Can(p) == true;

    internal bool CanSubmit => Change.Status == ChangeStatus.Draft && IsAuthor && Can(Permission.RegisterChange);
    internal bool CanReview => Can(Permission.ReviewChange) && !IsAuthor
                               && Change.Status is ChangeStatus.InReview or ChangeStatus.Detected or ChangeStatus.Approved;
    internal bool CanApprove => CanReview && Change.Status is ChangeStatus.InReview or ChangeStatus.Detected
                                && !Change.Reviews.Any(r => r.ReviewerId == Actor!.Id && r.Verdict == ReviewVerdict.Approved);
    internal bool CanReject => CanReview;
    internal bool CanApply => Change.Status == ChangeStatus.Approved && Change.Kind != ChangeKind.External && Can(Permission.ApplyChange);
    internal bool CanMarkApplied => Change.Status == ChangeStatus.Approved && Can(Permission.ApplyChange);
    internal bool CanRollBack => Change.CanRollBack && Can(Permission.RollbackChange);
    private bool AnyAction => CanSubmit || CanReview || CanApply || CanMarkApplied || CanRollBack;

    private string NoActionText => Change.Status switch
    {
        ChangeStatus.InReview when IsAuthor => "Waiting for another reviewer: the author of a change cannot approve it.",
        ChangeStatus.InReview or ChangeStatus.Approved or ChangeStatus.Detected or ChangeStatus.Draft => "Your roles allow no action on this change now.",
        _ when Change.CanRollBack => "Your roles allow no action on this change now.",
        _ => $"No further action: the change is {ChangeStatusText.Of(Change.Status)}.",
    };

    private Task SubmitAsync() => RunAsync(a => Registry.SubmitAsync(a, Change.Id), "Submitted for review.");
    private Task ApproveAsync() => RunAsync(a => Registry.ApproveAsync(a, Change.Id, comment ?? ""), "Approved.");
    private Task RejectAsync() => RunAsync(a => Registry.RejectAsync(a, Change.Id, comment ?? ""), "Rejected.");
    private Task CommentAsync() => RunAsync(a => Registry.CommentAsync(a, Change.Id, comment ?? ""), "Comment added.");

    private Task ApplyAsync() => RunAsync(async a =>
    {
        applying = true;
        applyResult = null;
        StateHasChanged();
        try { applyResult = await Applier.ApplyAsync(a, Change.Id); }
        finally { applying = false; }
    }, null);

    private async Task RollBackAsync()
    {
        error = errorField = null;
        if (Actor is not null && await RollbackDialog.ShowAsync(Dialogs, Change, Actor))
            await Reload.InvokeAsync();
    }

    private Task MarkAppliedAsync()
    {
        if (!DateTime.TryParse(appliedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            (errorField, error) = ("AppliedAt", "Give the date and time it was applied (UTC).");
            return Task.CompletedTask;
        }
        return RunAsync(a => Registry.MarkAppliedOutsideAsync(a, Change.Id, new DateTimeOffset(at, TimeSpan.Zero)), "Marked as applied.");
    }

    private async Task RunAsync(Func<Actor, Task> action, string? done)
    {
        error = errorField = null;
        if (Actor is null)
            return;
        busy = true;
        try
        {
            await action(Actor);
            comment = null;
            if (done is not null)
                Snackbar.Add(done, Severity.Success);
            await Reload.InvokeAsync();
        }
        catch (Exception e) when (e is DomainRuleException or AccessDeniedException)
        {
            (error, errorField) = (e.Message, (e as DomainRuleException)?.Field);
        }
        finally
        {
            busy = false;
        }
    }
}
