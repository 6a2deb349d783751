using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.Users;

/// <summary>Turns an identity provider's role or group names into console roles.</summary>
public static class ExternalRoleMapping
{
    public static IReadOnlyList<string> Map(IEnumerable<string> providerRoles, IReadOnlyDictionary<string, string> roleMap) =>
        providerRoles
            .Select(name => roleMap.TryGetValue(name, out var mapped) ? mapped : name)
            .Where(Roles.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
}
