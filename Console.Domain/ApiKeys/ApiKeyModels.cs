namespace OpsConsole.Domain.ApiKeys;

/// <summary>A key just created: the only time its plaintext exists outside the caller's secret store.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string Key);

public sealed record ApiKeySummary(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedBy, ApiKeyKind Kind = ApiKeyKind.ServiceKey)
{
    public bool IsActive => RevokedAt is null;
}

/// <summary>
/// Who is calling, once a key checked out. Id is "apikey:&lt;guid&gt;" or "apikey:config:&lt;name&gt;". The owner is the person the key
/// acts for (its creator, or a configured key's Owner); OwnerId is null for a configured key whose Owner is not a console user.
/// A personal token also carries its owner's roles as they are now (read on every request).
/// </summary>
public sealed record AuthenticatedApiKey(string Id, string Name, IReadOnlyList<string> Scopes, string? OwnerId = null, string? OwnerName = null,
    ApiKeyKind Kind = ApiKeyKind.ServiceKey, IReadOnlyList<string>? OwnerRoles = null);
