namespace OpsConsole.Domain.ApiKeys;

/// <summary>
/// A key for pipelines and services. Only a SHA-256 hash of the secret is stored; the key itself is shown
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

    private ApiKey() { }

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
