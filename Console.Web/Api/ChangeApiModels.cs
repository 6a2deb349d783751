using System.Text.Json;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Web.Api;

/// <summary>
/// The body of <c>POST /api/v1/changes</c>. Everything is nullable so that a missing field is reported by name
/// (not as a deserialization failure); the per-kind fields belong to one kind only.
/// </summary>
public sealed class NewChangeBody
{
    /// <summary>setting, sql or external.</summary>
    public string? Kind { get; set; }
    public string? TargetName { get; set; }
    public Guid? TargetId { get; set; }
    public string? Title { get; set; }
    public string? Reason { get; set; }
    public string? TicketUrl { get; set; }
    /// <summary>low, medium or high.</summary>
    public string? Risk { get; set; }
    public DateTimeOffset? PlannedAt { get; set; }
    public bool? SubmitForReview { get; set; }

    // kind = setting
    public string? Parameter { get; set; }
    public string? Value { get; set; }

    // kind = sql
    public string? ForwardScript { get; set; }
    public string? RollbackScript { get; set; }

    // kind = external
    public string? Description { get; set; }
    public string? RollbackSteps { get; set; }
    public string? RollbackWebhookUrl { get; set; }
}

/// <summary>The body of approve and reject: a comment, optional to approve and required to reject.</summary>
public sealed class ReviewBody
{
    public string? Comment { get; set; }
}

/// <summary>The body of submit and apply: none, or <c>{}</c>; any field is refused, so that a misspelt option is not ignored.</summary>
public sealed class NoFieldsBody;

/// <summary>
/// A change as the API shows it; enum values in snake_case (in_review, rolled_back). <c>allowedActions</c> are what the
/// calling key may do to it now, <c>unavailableActions</c> the others with the reason, both from
/// <see cref="ConfigChange.AllowedActions"/>, the same answer the change page shows. <c>approvals</c> of
/// <c>requiredApprovals</c> says how far the review is (a high-risk change needs two); <c>lastApplyError</c> why the last
/// apply failed (the change stays approved, and can be applied again).
/// </summary>
public sealed record ChangeView(int Number, Guid Id, string Kind, string Status, string Target, string Title, string Reason, string? TicketUrl,
    string Risk, string Author, string? RegisteredThroughKey, DateTimeOffset CreatedAt, DateTimeOffset? PlannedAt, DateTimeOffset? AppliedAt,
    string? Parameter, string? ValueBefore, string? ValueAfter, string? Unit, bool RequiresRestart,
    string? ForwardScript, string? RollbackScript, string? Description, string? RollbackSteps, string? RollbackWebhookUrl,
    int Approvals, int RequiredApprovals, string? AppliedBy, bool PendingRestart, string? LastApplyError,
    IReadOnlyList<string> AllowedActions, IReadOnlyList<UnavailableActionView> UnavailableActions)
{
    public static ChangeView Of(ConfigChange c, string targetName, Actor caller)
    {
        var actions = c.AllowedActions(caller);
        return new(c.Number, c.Id, Name(c.Kind), Name(c.Status), targetName, c.Title,
            c.Reason, c.TicketUrl, Name(c.Risk), c.AuthorName, c.RegisteredThroughKey, c.CreatedAt, c.PlannedAt, c.AppliedAt, c.Parameter, c.ValueBefore, c.ValueAfter,
            c.Unit, c.RequiresRestart, c.ForwardScript, c.RollbackScript, c.Description, c.RollbackSteps, c.RollbackWebhookUrl,
            c.Approvals, c.RequiredApprovals, c.AppliedBy, c.PendingRestart, c.LastApplyError,
            actions.Allowed.Select(a => Name(a)).ToList(), actions.Unavailable.Select(o => new UnavailableActionView(Name(o.Action), o.Reason!)).ToList());
    }

    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}

/// <summary>An action the caller may not take now (approve, roll_back, ...) and why.</summary>
public sealed record UnavailableActionView(string Action, string Reason);

public sealed record ChangeSummaryView(int Number, Guid Id, string Kind, string Status, string Target, string Title, string Risk,
    string Author, string? RegisteredThroughKey, string? Parameter, string? ValueBefore, string? ValueAfter, DateTimeOffset CreatedAt, DateTimeOffset? AppliedAt)
{
    public static ChangeSummaryView Of(ChangeListItem c) => new(c.Number, c.Id, ChangeView.Name(c.Kind), ChangeView.Name(c.Status),
        c.TargetName, c.Title, ChangeView.Name(c.Risk), c.AuthorName, c.RegisteredThroughKey, c.Parameter, c.ValueBefore, c.ValueAfter, c.CreatedAt, c.AppliedAt);
}

public sealed record ChangeListView(IReadOnlyList<ChangeSummaryView> Items, int Total, int Skip, int Take);
