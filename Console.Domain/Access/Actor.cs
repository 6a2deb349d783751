namespace OpsConsole.Domain.Access;

/// <summary>
/// The person (or API key) acting. Every mutating domain call takes one and checks it here. People get
/// permissions from their roles; an API key has no role, only the permissions its scopes grant.
/// </summary>
public sealed record Actor(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<Permission>? Grants = null)
{
    /// <summary>Used for work the console does by itself (start-up seeding, drift detection).</summary>
    public static readonly Actor System = new("system", "system", [Access.Roles.Admin]);

    public bool Can(Permission permission) => PermissionTable.Allows(Roles, permission) || Grants?.Contains(permission) == true;

    /// <summary>Throws <see cref="AccessDeniedException"/> when the actor's roles do not grant the permission.</summary>
    public void Demand(Permission permission)
    {
        if (!Can(permission))
            throw new AccessDeniedException(this, permission);
    }
}
