namespace OpsConsole.Domain.ApiKeys;

/// <summary>
/// A service key acts for a pipeline, with only what its scopes grant; a personal token acts for the person who made it,
/// with that person's current roles narrowed by its scopes, and stops the moment that person is disabled.
/// </summary>
public enum ApiKeyKind { ServiceKey, PersonalToken }

/// <summary>
/// A key for pipelines and services, or a person's own token. Only a SHA-256 hash of the secret is stored; the key itself is shown
/// once, when it is created. Scopes limit what it may do (see <see cref="ApiScopes"/>).
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    /// <summary>The first characters of the key, to recognise it in lists and logs.</summary>
    public string Prefix { get; private set; } = "";
    public string SecretHash { get; private set; } = "";
    public List<string> Scopes { get; private set; } = [];
    public string CreatedBy { get; private set; } = "";
    /// <summary>The creator's user id: what the key registers counts as theirs (two-person rule).</summary>
    public string CreatedById { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }
    public ApiKeyKind Kind { get; private set; } = ApiKeyKind.ServiceKey;
    /// <summary>For a personal token, the user it acts as (checked on every request); null for a service key.</summary>
    public string? OwnerId { get; private set; }

    private ApiKey() { }

    /// <summary>A token that acts as <paramref name="ownerId"/>, who is also its creator.</summary>
    public static ApiKey PersonalToken(string name, string prefix, string secretHash, IEnumerable<string> scopes, string ownerId, string ownerName,
        DateTimeOffset now) =>
        new(name, prefix, secretHash, scopes, ownerId, ownerName, now) { Kind = ApiKeyKind.PersonalToken, OwnerId = ownerId };

    public ApiKey(string name, string prefix, string secretHash, IEnumerable<string> scopes, string createdById, string createdBy, DateTimeOffset now)
    {
        Name = name;
        Prefix = prefix;
        SecretHash = secretHash;
        Scopes = [.. scopes];
        CreatedById = createdById;
        CreatedBy = createdBy;
        CreatedAt = now;
    }

    public bool IsActive => RevokedAt is null;

    public void Revoke(string by, DateTimeOffset now)
    {
        if (RevokedAt is not null)
            throw new DomainRuleException($"The key {Name} is already revoked.");
        RevokedAt = now;
        RevokedBy = by;
    }

    public void MarkUsed(DateTimeOffset now) => LastUsedAt = now;
}
