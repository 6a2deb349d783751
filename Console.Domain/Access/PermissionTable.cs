namespace OpsConsole.Domain.Access;

/// <summary>
/// The one table of who may do what. Domain services consult it through <see cref="Actor.Demand"/>;
/// the UI builds its authorization policies from it, so the two can never disagree.
/// </summary>
public static class PermissionTable
{
    private static readonly IReadOnlyDictionary<Permission, string[]> RolesByPermission = new Dictionary<Permission, string[]>
    {
        [Permission.RegisterChange] = [Roles.Dba, Roles.Admin],
        [Permission.ReviewChange] = [Roles.Dba, Roles.Admin],
        [Permission.ApplyChange] = [Roles.Dba, Roles.Admin],
        [Permission.RollbackChange] = [Roles.OnCall, Roles.Dba, Roles.Admin],
        [Permission.TerminateSession] = [Roles.Dba, Roles.Admin],
        [Permission.ManageIncidents] = [Roles.OnCall, Roles.Dba, Roles.Admin],
        [Permission.ManageTargets] = [Roles.Admin],
        [Permission.ManageDemoShop] = [Roles.Admin],
        [Permission.ManageUsers] = [Roles.Admin],
        [Permission.ManageApiKeys] = [Roles.Admin],
        [Permission.SendAlerts] = [Roles.OnCall, Roles.Dba, Roles.Admin],
        [Permission.ManageAlertRules] = [Roles.Admin],
        [Permission.RunRehearsals] = [Roles.Dba, Roles.Admin],
    };

    public static IReadOnlyList<string> RolesFor(Permission permission) => RolesByPermission[permission];

    public static bool Allows(IEnumerable<string> roles, Permission permission) =>
        roles.Any(role => RolesByPermission[permission].Contains(role, StringComparer.Ordinal));

    /// <summary>The policy name the UI uses for a permission.</summary>
    public static string PolicyName(Permission permission) => $"{PolicyPrefix}{permission}";

    private const string PolicyPrefix = "Permission:";

    /// <summary>Policy names as constants, for <c>[Authorize(Policy = ...)]</c> attributes.</summary>
    public static class Policies
    {
        public const string ManageUsers = PolicyPrefix + nameof(Permission.ManageUsers);
        public const string ManageApiKeys = PolicyPrefix + nameof(Permission.ManageApiKeys);
        public const string ManageTargets = PolicyPrefix + nameof(Permission.ManageTargets);
        public const string ManageDemoShop = PolicyPrefix + nameof(Permission.ManageDemoShop);
        public const string ManageAlertRules = PolicyPrefix + nameof(Permission.ManageAlertRules);
        public const string RunRehearsals = PolicyPrefix + nameof(Permission.RunRehearsals);
    }
}
