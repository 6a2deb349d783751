namespace OpsConsole.Domain.Access;

public sealed class AccessDeniedException(Actor actor, Permission permission) : Exception(MessageFor(actor, permission))
{
    public Actor Actor { get; } = actor;
    public Permission Permission { get; } = permission;

    /// <summary>The refusal in words, also for pages that say beforehand why an action is not available.</summary>
    public static string MessageFor(Actor actor, Permission permission) => actor.ScopedTo is { } scoped && !scoped.Contains(permission)
        ? $"{actor.Name} may not {Describe(permission)}: the token's scopes do not allow it."
        : $"{actor.Name} may not {Describe(permission)}: that needs one of the roles {string.Join(", ", PermissionTable.RolesFor(permission))}.";

    private static string Describe(Permission permission) => permission switch
    {
        Permission.RegisterChange => "register changes",
        Permission.ReviewChange => "review changes",
        Permission.ApplyChange => "apply changes",
        Permission.RollbackChange => "roll back changes",
        Permission.TerminateSession => "cancel or terminate database sessions",
        Permission.ManageIncidents => "manage incidents",
        Permission.ManageTargets => "manage targets",
        Permission.ManageDemoShop => "manage the demo shop",
        Permission.ManageUsers => "manage users",
        Permission.ManageApiKeys => "manage API keys",
        Permission.SendAlerts => "send alerts",
        Permission.ManageAlertRules => "edit alert rules",
        _ => permission.ToString(),
    };
}
