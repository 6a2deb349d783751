using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.ApiKeys;

/// <summary>
/// Creates, lists, revokes and checks API keys. A key reads <c>ops_&lt;prefix&gt;_&lt;secret&gt;</c>; the store keeps the
/// prefix (to find the row and recognise the key in lists) and a SHA-256 hash of the whole key, never the key.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<OpsDbContext> dbFactory, AccessGuard guard, AuditLog audit,
    IOptions<ApiOptions> options, TimeProvider time, ILogger<ApiKeyService> logger)
{
    public const int MaxNameLength = 100;
    private const string KeyStart = "ops_";
    private const int PrefixLength = 8;
    private const int SecretLength = 40;
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Last-used times are written at most this often per key, so that a busy pipeline is not a write per request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    // Hashed once: a configured key is checked by hash like a stored one.
    private readonly Lazy<IReadOnlyList<(ConfiguredApiKey Key, byte[] Hash)>> configured = new(() =>
        options.Value.Keys.Select(k => (k, HashBytes(k.Key))).ToList());

    public async Task<CreatedApiKey> CreateAsync(Actor actor, string name, IReadOnlyCollection<string> scopes, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        await guard.DemandAsync(actor, Permission.ManageApiKeys, "apikey.create", $"apikey:{name}", ct);
        if (name.Length is 0 or > MaxNameLength)
            throw new DomainRuleException($"A key name is 1 to {MaxNameLength} characters.", "Name");
        if (scopes is null || scopes.Count == 0)
            throw new DomainRuleException("Give the key at least one scope.", "Scopes");
        if (scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
            throw new DomainRuleException($"Unknown scope '{unknown}': the scopes are {string.Join(", ", ApiScopes.All)}.", "Scopes");
        if (scopes.FirstOrDefault(ApiScopes.PersonalOnly.Contains) is { } personal)
            throw new DomainRuleException($"The scope {personal} is for personal tokens only, which people make for themselves at /account/tokens: " +
                                          "those actions are done as a person, never as a service key.", "Scopes");

        var (prefix, key, hash) = NewSecret();
        var entity = new ApiKey(name, prefix, hash, scopes.Distinct().Order(StringComparer.Ordinal),
            actor.AuthorId, actor.AuthorName, time.GetUtcNow());

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiKeys.Add(entity);
        audit.Record(db, actor, "apikey.created", $"apikey:{name}", new { id = entity.Id, prefix, scopes = entity.Scopes });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created API key {KeyName} ({KeyPrefix}) with scopes {Scopes}", name, prefix, entity.Scopes);
        return new CreatedApiKey(entity.Id, name, prefix, entity.Scopes, key);
    }

    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return keys.Select(Summary).ToList();
    }

    internal static ApiKeySummary Summary(ApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.RevokedBy, k.Kind);

    /// <summary>A new key's public prefix, the key itself (shown once) and the hash the store keeps.</summary>
    internal static (string Prefix, string Key, string Hash) NewSecret()
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, PrefixLength);
        var key = $"{KeyStart}{prefix}_{RandomNumberGenerator.GetString(SecretAlphabet, SecretLength)}";
        return (prefix, key, Convert.ToHexStringLower(HashBytes(key)));
    }

    /// <summary>Names of the keys that come from configuration (shown on the admin page; they cannot be revoked there).</summary>
    public IReadOnlyList<ConfiguredApiKey> ConfiguredKeys => configured.Value.Select(c => c.Key).ToList();

    public async Task RevokeAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageApiKeys, "apikey.revoke", (db, c) => AuditSubjects.ApiKeyAsync(db, id, c), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct)
            ?? throw new DomainRuleException("That API key does not exist.");
        key.Revoke(actor.Name, time.GetUtcNow());
        audit.Record(db, actor, "apikey.revoked", $"apikey:{key.Name}", new { id = key.Id, prefix = key.Prefix });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Revoked API key {KeyName} ({KeyPrefix})", key.Name, key.Prefix);
    }

    /// <summary>The key's identity and scopes, or null when the text is no active key. Hashes are compared in constant time.</summary>
    public async Task<AuthenticatedApiKey?> AuthenticateAsync(string? keyText, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(keyText) || keyText.Length > 512)
            return null;
        var hash = HashBytes(keyText);

        // Every configured key is compared, match or not, so the time taken says nothing about which one is close.
        ConfiguredApiKey? fromConfiguration = null;
        foreach (var (key, keyHash) in configured.Value)
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash))
                fromConfiguration = key;
        if (fromConfiguration is not null)
            return await ConfiguredAsync(fromConfiguration, ct);

        if (PrefixOf(keyText) is not { } prefix)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == prefix, ct);
        if (stored is null || !stored.IsActive || !CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(stored.SecretHash)))
            return null;

        var now = time.GetUtcNow();
        if (stored.LastUsedAt is null || now - stored.LastUsedAt > LastUsedResolution)
        {
            stored.MarkUsed(now);
            await db.SaveChangesAsync(ct);
        }
        if (stored.Kind == ApiKeyKind.PersonalToken)
            return await PersonalAsync(db, stored, ct);
        // Keys made before creators were recorded by id carry the creator's name there (see the ApiKeyCreatorId migration).
        return new AuthenticatedApiKey($"apikey:{stored.Id}", stored.Name, stored.Scopes,
            stored.CreatedById.Length > 0 ? stored.CreatedById : stored.CreatedBy, stored.CreatedBy);
    }

    /// <summary>
    /// A personal token acts as its owner as the owner is now: a disabled or deleted owner's tokens stop at once, and a role
    /// taken away is taken from the token on its next request. Hence the two reads per request, which a cache would undo.
    /// </summary>
    private async Task<AuthenticatedApiKey?> PersonalAsync(OpsDbContext db, ApiKey token, CancellationToken ct)
    {
        var owner = await db.Users.Where(u => u.Id == token.OwnerId).Select(u => new { u.UserName, u.IsDisabled }).FirstOrDefaultAsync(ct);
        if (owner is null || owner.IsDisabled)
        {
            logger.LogWarning("Refused the personal token {KeyName} ({KeyPrefix}): its owner is {OwnerState}", token.Name, token.Prefix,
                owner is null ? "no longer a user" : "disabled");
            return null;
        }
        var roles = await (from userRole in db.UserRoles
                           join role in db.Roles on userRole.RoleId equals role.Id
                           where userRole.UserId == token.OwnerId
                           select role.Name!).ToListAsync(ct);
        return new AuthenticatedApiKey($"apikey:{token.Id}", token.Name, token.Scopes, token.OwnerId, owner.UserName ?? token.CreatedBy,
            ApiKeyKind.PersonalToken, roles);
    }

    /// <summary>A configured key, with its Owner's user id when the Owner is a console user.</summary>
    private async Task<AuthenticatedApiKey> ConfiguredAsync(ConfiguredApiKey key, CancellationToken ct)
    {
        var id = $"apikey:config:{key.Name}";
        if (string.IsNullOrWhiteSpace(key.Owner))
            return new AuthenticatedApiKey(id, key.Name, key.Scopes);
        var owner = key.Owner.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var userId = await db.Users.Where(u => u.NormalizedUserName == owner.ToUpperInvariant()).Select(u => u.Id).FirstOrDefaultAsync(ct);
        if (userId is null)
            logger.LogWarning("The API key {KeyName} from configuration names the owner {Owner}, who is not a console user: it cannot register changes",
                key.Name, owner);
        return new AuthenticatedApiKey(id, key.Name, key.Scopes, userId, owner);
    }

    private static string? PrefixOf(string keyText) =>
        keyText.StartsWith(KeyStart, StringComparison.Ordinal) && keyText.Length > KeyStart.Length + PrefixLength
        && keyText[KeyStart.Length + PrefixLength] == '_'
            ? keyText.Substring(KeyStart.Length, PrefixLength)
            : null;

    internal static byte[] HashBytes(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
