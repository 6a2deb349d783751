using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.ApiKeys;

/// <summary>What an API key's scopes allow, in the terms of the permission table.</summary>
public static class ApiScopes
{
    public const string ChangesWrite = "changes:write";
    public const string EventsWrite = "events:write";
    public const string Read = "read";
    public const string AlertsWrite = "alerts:write";
    public const string IncidentsWrite = "incidents:write";
    public const string RollbacksWrite = "rollbacks:write";
    public const string ChangesReview = "changes:review";
    public const string ChangesApply = "changes:apply";
    public const string RehearsalsWrite = "rehearsals:write";

    public static readonly IReadOnlyList<string> All =
        [ChangesWrite, EventsWrite, Read, AlertsWrite, IncidentsWrite, RollbacksWrite, ChangesReview, ChangesApply, RehearsalsWrite];

    /// <summary>
    /// Scopes only a personal token may hold: running an incident, rolling back, reviewing and applying changes, and
    /// rehearsing on staging are done as a person, whose roles are checked at the moment of acting, never by a key that
    /// outlives its maker's job. A review by a key would also make the two-person rule one person's: whoever holds the key.
    /// </summary>
    public static readonly IReadOnlyList<string> PersonalOnly = [IncidentsWrite, RollbacksWrite, ChangesReview, ChangesApply, RehearsalsWrite];

    /// <summary>The scopes an admin may give a service key (on /admin/api-keys or in <c>Api:Keys</c>).</summary>
    public static readonly IReadOnlyList<string> ForServiceKeys = [.. All.Except(PersonalOnly)];

    public static IReadOnlyList<Permission> PermissionsOf(IEnumerable<string> scopes) =>
        scopes.SelectMany(scope => scope switch
        {
            ChangesWrite => [Permission.RegisterChange],
            AlertsWrite => [Permission.SendAlerts],
            IncidentsWrite => [Permission.ManageIncidents],
            RollbacksWrite => [Permission.RollbackChange],
            ChangesReview => [Permission.ReviewChange],
            ChangesApply => [Permission.ApplyChange],
            RehearsalsWrite => [Permission.RunRehearsals],
            _ => Array.Empty<Permission>(),
        }).Distinct().ToList();
}
