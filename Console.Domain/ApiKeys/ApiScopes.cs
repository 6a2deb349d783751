using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.ApiKeys;

/// <summary>What an API key's scopes allow, in the terms of the permission table.</summary>
public static class ApiScopes
{
    public const string ChangesWrite = "changes:write";
    public const string EventsWrite = "events:write";
    public const string Read = "read";

    public static readonly IReadOnlyList<string> All = [ChangesWrite, EventsWrite, Read];

    public static IReadOnlyList<Permission> PermissionsOf(IEnumerable<string> scopes) =>
        scopes.SelectMany(scope => scope switch
        {
            ChangesWrite => [Permission.RegisterChange],
            _ => Array.Empty<Permission>(),
        }).Distinct().ToList();
}
