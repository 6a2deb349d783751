using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.Changes;

/// <summary>
/// A change to a monitored database: a setting, a SQL script or something done outside the console.
/// The entity guards its own lifecycle: Draft → InReview → Approved → Applied → RolledBack, plus Rejected,
/// Superseded, and Detected (drift nobody registered). Every transition is recorded with who and when.
/// </summary>
public sealed class ConfigChange
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    /// <summary>A short human number (#42), assigned by the store.</summary>
    public int Number { get; private set; }
    public ChangeKind Kind { get; private set; }
    public ChangeStatus Status { get; private set; }
    public Guid TargetId { get; private set; }
    public string Title { get; private set; } = "";
    public string Reason { get; private set; } = "";
    public string? TicketUrl { get; private set; }
    public ChangeRisk Risk { get; private set; }
    public string AuthorId { get; private set; } = "";
    public string AuthorName { get; private set; } = "";
    /// <summary>The API key the author registered it through, or null when registered in the console.</summary>
    public string? RegisteredThroughKey { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PlannedAt { get; private set; }

    // Setting changes.
    public string? Parameter { get; private set; }
    /// <summary>The value before, as pg_settings.setting (base unit), with its unit and source at registration.</summary>
    public string? ValueBefore { get; private set; }
    public string? SourceBefore { get; private set; }
    public string? Unit { get; private set; }
    /// <summary>The value as the author wrote it (what ALTER SYSTEM receives).</summary>
    public string? ValueAfter { get; private set; }
    /// <summary>ValueAfter in pg_settings' form (base unit), to verify that it took effect.</summary>
    public string? ValueAfterNormalized { get; private set; }
    public string? SettingContext { get; private set; }
    public bool RequiresRestart { get; private set; }

    // SQL changes.
    public string? ForwardScript { get; private set; }
    public string? RollbackScript { get; private set; }

    // External changes.
    public string? Description { get; private set; }
    public string? RollbackSteps { get; private set; }
    public string? RollbackWebhookUrl { get; private set; }

    // Outcome of applying.
    public DateTimeOffset? AppliedAt { get; private set; }
    public string? AppliedBy { get; private set; }
    public bool AppliedOutsideConsole { get; private set; }
    public bool PendingRestart { get; private set; }
    public string? LastApplyError { get; private set; }
    public DateTimeOffset? DetectedAt { get; private set; }

    // Load rehearsals (Rehearsals/): whether the review policy asks for a passing one, and the latest that ended.
    /// <summary>Set at registration by the review policy (Rehearsals:RequirePassingForHighRisk) for a high-risk setting change.</summary>
    public bool RehearsalRequired { get; private set; }
    public Guid? LastRehearsalId { get; private set; }
    /// <summary>The latest rehearsal's verdict; null when it could not run or was cancelled (no verdict), or none ended.</summary>
    public bool? LastRehearsalPassed { get; private set; }
    public DateTimeOffset? LastRehearsedAt { get; private set; }

    // Outcome of rolling back.
    public DateTimeOffset? RolledBackAt { get; private set; }
    public string? RolledBackBy { get; private set; }
    public string? LastRollbackError { get; private set; }

    private readonly List<ChangeReview> reviews = [];
    private readonly List<ChangeTransition> transitions = [];
    public IReadOnlyList<ChangeReview> Reviews => reviews;
    public IReadOnlyList<ChangeTransition> Transitions => transitions;

    private ConfigChange() { }

    private ConfigChange(ChangeKind kind, Guid targetId, ChangeDetails details, Actor author, DateTimeOffset now)
    {
        Kind = kind;
        TargetId = targetId;
        Title = details.Title.Trim();
        Reason = details.Reason.Trim();
        TicketUrl = string.IsNullOrWhiteSpace(details.TicketUrl) ? null : details.TicketUrl.Trim();
        Risk = details.Risk;
        PlannedAt = details.PlannedAt;
        // Through an API key, the key's holder is the author: the two-person rule keeps them from approving it too.
        AuthorId = author.AuthorId;
        AuthorName = author.AuthorName;
        RegisteredThroughKey = author.Key?.KeyName;
        CreatedAt = now;
        Move(ChangeStatus.Draft, author.Name, now, "registered");
    }

    public static ConfigChange ForSetting(Guid targetId, ChangeDetails details, ValidatedSetting setting, Actor author, DateTimeOffset now) =>
        new(ChangeKind.Setting, targetId, details, author, now)
        {
            Parameter = setting.Info.Name,
            ValueBefore = setting.Info.Setting,
            SourceBefore = setting.Info.Source,
            Unit = setting.Info.Unit,
            ValueAfter = setting.Value,
            ValueAfterNormalized = setting.Normalized,
            SettingContext = setting.Info.Context,
            RequiresRestart = setting.Info.RequiresRestart,
        };

    public static ConfigChange ForSql(Guid targetId, ChangeDetails details, string forwardScript, string rollbackScript, Actor author, DateTimeOffset now) =>
        new(ChangeKind.Sql, targetId, details, author, now) { ForwardScript = forwardScript, RollbackScript = rollbackScript };

    public static ConfigChange ForExternal(Guid targetId, ChangeDetails details, string description, string rollbackSteps, string? webhookUrl,
        Actor author, DateTimeOffset now) =>
        new(ChangeKind.External, targetId, details, author, now)
        {
            Description = description,
            RollbackSteps = rollbackSteps,
            RollbackWebhookUrl = string.IsNullOrWhiteSpace(webhookUrl) ? null : webhookUrl.Trim(),
        };

    /// <summary>A setting that changed on the target with no registered change to explain it.</summary>
    public static ConfigChange Detected(Guid targetId, SettingInfo before, SettingInfo after, DateTimeOffset now) =>
        new ConfigChange
        {
            Kind = ChangeKind.Setting,
            TargetId = targetId,
            Title = $"Unregistered change of {after.Name}",
            Reason = "Detected by drift detection: the target's setting changed and no registered change explains it.",
            Risk = ChangeRisk.High,
            AuthorId = "unknown",
            AuthorName = "unknown",
            CreatedAt = now,
            DetectedAt = now,
            Parameter = after.Name,
            ValueBefore = before.Setting,
            SourceBefore = before.Source,
            Unit = after.Unit,
            ValueAfter = after.Setting,
            ValueAfterNormalized = after.Setting,
            SettingContext = after.Context,
            RequiresRestart = after.RequiresRestart,
            AppliedAt = now,
            AppliedOutsideConsole = true,
            PendingRestart = after.PendingRestart,
        }.Moved(ChangeStatus.Detected, "drift detection", now, $"{before.Setting} → {after.Setting} (source {after.Source})");

    /// <summary>High-risk changes need two approvals from two different reviewers; others need one.</summary>
    public int RequiredApprovals => Risk == ChangeRisk.High ? 2 : 1;

    public int Approvals => reviews.Where(r => r.Verdict == ReviewVerdict.Approved).Select(r => r.ReviewerId).Distinct().Count();

    /// <summary>Who registered it, as pages show it: "alice" or "alice through API key deploy-pipeline".</summary>
    public string RegisteredBy => Registrant(AuthorName, RegisteredThroughKey);

    public static string Registrant(string authorName, string? throughKey) =>
        throughKey is null ? authorName : $"{authorName} through API key {throughKey}";

    /// <summary>An http(s) ticket link, safe to render as a link (older changes may hold other schemes).</summary>
    public bool HasWebTicketLink => Uri.TryCreate(TicketUrl, UriKind.Absolute, out var link) && link.Scheme is "https" or "http";

    public bool IsAuthoredBy(Actor actor) => actor.AuthorId == AuthorId;

    /// <summary>
    /// Which actions <paramref name="actor"/> may take on this change now, and for each other one why not: the status first,
    /// then the actor's roles, then the two-person rule. Pages and the API ask this; the methods below enforce the same rules.
    /// The author may comment (a review is a conversation, and the author answers it) but may not approve or reject:
    /// both are a reviewer's verdict, and the two-person rule keeps verdicts from the author either way.
    /// </summary>
    public ChangeActionSet AllowedActions(Actor actor) =>
        new(Enum.GetValues<ChangeAction>().Select(action => Refusal(action, actor, checkRoles: true) is { } refusal
            ? new ChangeActionOption(action, refusal.Bar, refusal.Reason)
            : new ChangeActionOption(action)).ToList());

    /// <summary>
    /// Throws <see cref="DomainRuleException"/> when the status or the two-person rule forbids the action. Roles are not
    /// checked here: the services check them through AccessGuard, which audits the refusal.
    /// </summary>
    public void Demand(ChangeAction action, Actor actor)
    {
        // Roles are not checked here, so what refuses is the person (the two-person rule) or else the change's state.
        if (Refusal(action, actor, checkRoles: false) is { } refusal)
            throw new DomainRuleException(refusal.Reason) { Bar = refusal.Bar == ChangeActionBar.Person ? RuleBar.Person : RuleBar.State };
    }

    private (ChangeActionBar Bar, string Reason)? Refusal(ChangeAction action, Actor actor, bool checkRoles)
    {
        if (StatusRefusal(action) is { } status)
            return (ChangeActionBar.Status, status);
        var permission = ChangeActionSet.PermissionFor(action);
        if (checkRoles && !actor.Can(permission))
            return (ChangeActionBar.Role, AccessDeniedException.MessageFor(actor, permission));
        if (PersonRefusal(action, actor) is { } person)
            return (ChangeActionBar.Person, person);
        return PolicyRefusal(action) is { } policy ? (ChangeActionBar.Policy, policy) : null;
    }

    /// <summary>
    /// The review policy, decided at registration (<see cref="RequireRehearsal"/>): a high-risk setting change is approved only
    /// after its latest rehearsal passed. Drift acknowledged as reviewed is already in effect and is not held back.
    /// </summary>
    private string? PolicyRefusal(ChangeAction action) => action switch
    {
        ChangeAction.Approve when RehearsalRequired && Status == ChangeStatus.InReview && LastRehearsalPassed != true =>
            $"Change #{Number} is high-risk: the review policy needs a passing load rehearsal before it is approved" + (LastRehearsalId is null
                ? ". Rehearse it on a staging target first (Rehearsals on this change)."
                : LastRehearsalPassed == false
                    ? ", and its latest rehearsal failed. Rehearse it again once the change or the profile is fixed."
                    : ", and its latest rehearsal ended without a verdict. Rehearse it again."),
        _ => null,
    };

    /// <summary>The review policy asks for a passing rehearsal before this change is approved.</summary>
    public void RequireRehearsal() => RehearsalRequired = true;

    /// <summary>A rehearsal of this change ended: with a verdict (<paramref name="passed"/>), or without one (null).</summary>
    public void RecordRehearsal(Guid rehearsalId, bool? passed, DateTimeOffset endedAt)
    {
        (LastRehearsalId, LastRehearsalPassed, LastRehearsedAt) = (rehearsalId, passed, endedAt);
    }

    private string? StatusRefusal(ChangeAction action) => action switch
    {
        ChangeAction.Submit when Status != ChangeStatus.Draft => Illegal("submitted for review").Message,
        ChangeAction.Approve when Status is not (ChangeStatus.InReview or ChangeStatus.Detected) => Illegal("approved").Message,
        ChangeAction.Reject when Status is not (ChangeStatus.InReview or ChangeStatus.Detected or ChangeStatus.Approved) => Illegal("rejected").Message,
        ChangeAction.Apply when Status != ChangeStatus.Approved =>
            $"Change #{Number} is {ChangeStatusText.Of(Status)}: only an approved change can be applied.",
        ChangeAction.Apply when Kind == ChangeKind.External =>
            "An external change is applied outside the console: mark it as applied with the time it happened.",
        ChangeAction.MarkApplied when Status != ChangeStatus.Approved => Illegal("marked as applied").Message,
        ChangeAction.RollBack when Status == ChangeStatus.RolledBack => $"Change #{Number} is already rolled back.",
        ChangeAction.RollBack when !CanRollBack => $"Change #{Number} is {ChangeStatusText.Of(Status)}: there is nothing in effect to roll back.",
        _ => null,
    };

    private string? PersonRefusal(ChangeAction action, Actor actor) => action switch
    {
        ChangeAction.Submit when !IsAuthoredBy(actor) => $"Only the author of change #{Number} ({AuthorName}) may submit it for review.",
        ChangeAction.Approve when IsAuthoredBy(actor) => "The author of a change cannot approve it: another reviewer must.",
        ChangeAction.Approve when reviews.Any(r => r.ReviewerId == actor.Id && r.Verdict == ReviewVerdict.Approved) =>
            "You have already approved this change: a second reviewer must.",
        ChangeAction.Reject when IsAuthoredBy(actor) => "The author of a change cannot reject it: a verdict is another reviewer's to give.",
        _ => null,
    };

    /// <summary>Puts a draft up for review: only its author may, as only the author knows it is ready.</summary>
    public void Submit(Actor actor, DateTimeOffset now)
    {
        Demand(ChangeAction.Submit, actor);
        Move(ChangeStatus.InReview, actor.Name, now, "submitted for review");
    }

    /// <summary>
    /// Approves an in-review change (two-person rule: never by its author, never twice by one reviewer).
    /// A detected change can be approved too: that acknowledges it as reviewed, and it counts as applied.
    /// </summary>
    public void Approve(Actor reviewer, string comment, DateTimeOffset now)
    {
        Demand(ChangeAction.Approve, reviewer);

        reviews.Add(new ChangeReview(reviewer.Id, reviewer.Name, ReviewVerdict.Approved, comment.Trim(), now));
        if (Status == ChangeStatus.Detected)
            Move(ChangeStatus.Applied, reviewer.Name, now, "drift acknowledged as reviewed");
        else if (Approvals >= RequiredApprovals)
            Move(ChangeStatus.Approved, reviewer.Name, now, $"{Approvals} of {RequiredApprovals} approvals");
    }

    /// <summary>Ends the review with a reason: never by the author (see <see cref="AllowedActions"/>).</summary>
    public void Reject(Actor reviewer, string comment, DateTimeOffset now)
    {
        Demand(ChangeAction.Reject, reviewer);
        if (string.IsNullOrWhiteSpace(comment))
            throw new DomainRuleException("Say why the change is rejected.", "Comment");
        reviews.Add(new ChangeReview(reviewer.Id, reviewer.Name, ReviewVerdict.Rejected, comment.Trim(), now));
        Move(ChangeStatus.Rejected, reviewer.Name, now, comment.Trim());
    }

    /// <summary>A comment in any status, by a reviewer or the author (see <see cref="AllowedActions"/>).</summary>
    public void AddComment(Actor reviewer, string comment, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(comment))
            throw new DomainRuleException("A comment cannot be empty.", "Comment");
        reviews.Add(new ChangeReview(reviewer.Id, reviewer.Name, ReviewVerdict.Commented, comment.Trim(), now));
    }

    /// <summary>Records a successful apply by the console (pendingRestart for settings that need a restart).</summary>
    public void MarkApplied(Actor actor, DateTimeOffset now, bool pendingRestart)
    {
        Require(ChangeStatus.Approved, "applied");
        AppliedAt = now;
        AppliedBy = actor.Name;
        PendingRestart = pendingRestart;
        LastApplyError = null;
        Move(ChangeStatus.Applied, actor.Name, now, pendingRestart ? "applied; takes effect after a restart" : "applied and verified");
    }

    /// <summary>An apply that failed leaves the change approved, with the error, so that it can be retried.</summary>
    public void RecordApplyFailure(string error)
    {
        Require(ChangeStatus.Approved, "applied");
        LastApplyError = error;
    }

    public void MarkAppliedOutsideConsole(Actor actor, DateTimeOffset appliedAt, DateTimeOffset now)
    {
        Demand(ChangeAction.MarkApplied, actor);
        if (appliedAt > now.AddMinutes(5))
            throw new DomainRuleException("The time it was applied cannot be in the future.", "AppliedAt");
        AppliedAt = appliedAt;
        AppliedBy = actor.Name;
        AppliedOutsideConsole = true;
        Move(ChangeStatus.Applied, actor.Name, now, $"applied outside the console at {appliedAt:u}");
    }

    /// <summary>What is in effect on the target and so can be rolled back (a failed rollback can be retried).</summary>
    public bool CanRollBack => IsInEffect(Status, DetectedAt);

    /// <summary>The rule behind <see cref="CanRollBack"/>, for views that carry only the status (list rows).</summary>
    public static bool IsInEffect(ChangeStatus status, DateTimeOffset? detectedAt) =>
        status is ChangeStatus.Applied or ChangeStatus.Detected or ChangeStatus.RollbackFailed
        || (status == ChangeStatus.Rejected && detectedAt is not null);

    public void MarkRolledBack(Actor actor, DateTimeOffset now, string reason)
    {
        if (!CanRollBack)
            throw Illegal("rolled back");
        RolledBackAt = now;
        RolledBackBy = actor.Name;
        LastRollbackError = null;
        Move(ChangeStatus.RolledBack, actor.Name, now, reason);
    }

    public void RecordRollbackFailure(Actor actor, DateTimeOffset now, string error)
    {
        if (!CanRollBack)
            throw Illegal("rolled back");
        LastRollbackError = error;
        if (Status != ChangeStatus.RollbackFailed)
            Move(ChangeStatus.RollbackFailed, actor.Name, now, error);
    }

    public void Supersede(Actor actor, DateTimeOffset now, string note)
    {
        if (Status is not (ChangeStatus.Draft or ChangeStatus.InReview or ChangeStatus.Approved))
            throw Illegal("superseded");
        Move(ChangeStatus.Superseded, actor.Name, now, note);
    }

    private ConfigChange Moved(ChangeStatus to, string actorName, DateTimeOffset now, string note)
    {
        Move(to, actorName, now, note);
        return this;
    }

    private void Move(ChangeStatus to, string actorName, DateTimeOffset now, string note)
    {
        transitions.Add(new ChangeTransition(transitions.Count == 0 ? null : Status, to, actorName, now, note));
        Status = to;
    }

    private void Require(ChangeStatus expected, string verb)
    {
        if (Status != expected)
            throw Illegal(verb);
    }

    private DomainRuleException Illegal(string verb) =>
        new($"Change #{Number} is {ChangeStatusText.Of(Status)} and cannot be {verb}.") { Bar = RuleBar.State };
}

/// <summary>What every change has, whatever its kind.</summary>
public sealed record ChangeDetails(string Title, string Reason, string? TicketUrl, ChangeRisk Risk, DateTimeOffset? PlannedAt);

public static class ChangeStatusText
{
    public static string Of(ChangeStatus status) => status switch
    {
        ChangeStatus.InReview => "in review",
        ChangeStatus.RolledBack => "rolled back",
        ChangeStatus.RollbackFailed => "rollback failed",
        _ => status.ToString().ToLowerInvariant(),
    };
}
