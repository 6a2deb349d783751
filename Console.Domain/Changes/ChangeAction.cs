using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.Changes;

/// <summary>What a person can do to a change. <see cref="ConfigChange.AllowedActions"/> says which, and why not the others.</summary>
public enum ChangeAction { Submit, Approve, Reject, Comment, Apply, MarkApplied, RollBack }

/// <summary>Why an action is not available, so that a page can say the useful part (a role, the two-person rule) and skip the obvious.</summary>
public enum ChangeActionBar
{
    /// <summary>The change's status does not allow it (an applied change cannot be approved).</summary>
    Status,
    /// <summary>The actor's roles (or an API key's scopes) do not grant the permission.</summary>
    Role,
    /// <summary>The two-person rule: the author may not approve or reject, a reviewer may not approve twice, only the author submits.</summary>
    Person,
    /// <summary>The review policy: a high-risk setting change needs a passing load rehearsal before it is approved.</summary>
    Policy,
}

/// <summary>One action for one actor: available, or the reason it is not, in words shown as they are.</summary>
public sealed record ChangeActionOption(ChangeAction Action, ChangeActionBar? Bar = null, string? Reason = null)
{
    public bool IsAllowed => Bar is null;
}

/// <summary>Every action on a change, each allowed or not with its reason, for one actor at one moment.</summary>
public sealed class ChangeActionSet(IReadOnlyList<ChangeActionOption> options)
{
    public IReadOnlyList<ChangeActionOption> Options { get; } = options;

    public IEnumerable<ChangeAction> Allowed => Options.Where(o => o.IsAllowed).Select(o => o.Action);

    public IEnumerable<ChangeActionOption> Unavailable => Options.Where(o => !o.IsAllowed);

    public bool Allows(ChangeAction action) => Options.Single(o => o.Action == action).IsAllowed;

    /// <summary>Null when the action is allowed.</summary>
    public string? WhyNot(ChangeAction action) => Options.Single(o => o.Action == action).Reason;

    /// <summary>The permission each action needs, from <see cref="PermissionTable"/>.</summary>
    public static Permission PermissionFor(ChangeAction action) => action switch
    {
        ChangeAction.Submit => Permission.RegisterChange,
        ChangeAction.Approve or ChangeAction.Reject or ChangeAction.Comment => Permission.ReviewChange,
        ChangeAction.Apply or ChangeAction.MarkApplied => Permission.ApplyChange,
        ChangeAction.RollBack => Permission.RollbackChange,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
