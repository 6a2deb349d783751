namespace OpsConsole.Domain.Access;

/// <summary>
/// The person (or API key) acting. Every mutating domain call takes one and checks it here. People get
/// permissions from their roles; an API key has no role, only the permissions its scopes grant. A personal token carries
/// its owner's roles and <see cref="ScopedTo"/> its scopes' permissions: both must allow.
/// </summary>
public sealed record Actor(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<Permission>? Grants = null, KeyHolder? Key = null,
    IReadOnlyList<Permission>? ScopedTo = null)
{
    /// <summary>Who answers for what this actor registers: the person, or for an API key the person who holds it.</summary>
    public string AuthorId => Key?.OwnerId ?? Id;

    public string AuthorName => Key?.OwnerName ?? Name;

    /// <summary>Used for work the console does by itself (start-up seeding, drift detection).</summary>
    public static readonly Actor System = new("system", "system", [Access.Roles.Admin]);

    public bool Can(Permission permission) =>
        (PermissionTable.Allows(Roles, permission) || Grants?.Contains(permission) == true) && (ScopedTo is null || ScopedTo.Contains(permission));

    /// <summary>A person acting through one of their personal tokens (never a bare service key).</summary>
    public bool IsPersonalToken => Key is not null && ScopedTo is not null;

    /// <summary>Throws <see cref="AccessDeniedException"/> when the actor's roles do not grant the permission.</summary>
    public void Demand(Permission permission)
    {
        if (!Can(permission))
            throw new AccessDeniedException(this, permission);
    }
}

/// <summary>
/// An API key and the person it acts for: the user who created it on /admin/api-keys, or the <c>Owner</c> of a key from
/// configuration. What the key registers counts as that person's, so the two-person rule holds through the API too.
/// </summary>
public sealed record KeyHolder(string KeyName, string OwnerId, string OwnerName);
