using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.ApiKeys;

/// <summary>
/// Tokens people make for their own scripts and bots (on /account/tokens). Any signed-in member of staff may hold them: a
/// token never does more than its owner's roles allow (see <see cref="Actor.ScopedTo"/>), so no permission guards making
/// one. Only the owner lists and revokes their tokens here; an admin may still revoke any key on /admin/api-keys.
/// </summary>
public sealed class PersonalTokens(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit, TimeProvider time, ILogger<PersonalTokens> logger)
{
    public const int MaxNameLength = 100;
    public const int MaxActivePerPerson = 20;

    public async Task<CreatedApiKey> CreateAsync(Actor person, string name, IReadOnlyCollection<string> scopes, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owner = await OwnerAsync(db, person, "token.create", $"apikey:{name}", ct);
        if (name.Length is 0 or > MaxNameLength)
            throw new DomainRuleException($"A token name is 1 to {MaxNameLength} characters.", "Name");
        TextRules.Require(name, "Name", multiLine: false);
        if (scopes is null || scopes.Count == 0)
            throw new DomainRuleException("Give the token at least one scope.", "Scopes");
        if (scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
            throw new DomainRuleException($"Unknown scope '{unknown}': the scopes are {string.Join(", ", ApiScopes.All)}.", "Scopes");
        var active = await db.ApiKeys.Where(k => k.OwnerId == owner && k.Kind == ApiKeyKind.PersonalToken && k.RevokedAt == null)
            .Select(k => k.Name).ToListAsync(ct);
        if (active.Contains(name, StringComparer.Ordinal))
            throw new DomainRuleException($"You already have a token named {name}: revoke it or choose another name.", "Name");
        if (active.Count >= MaxActivePerPerson)
            throw new DomainRuleException($"You have {active.Count} active tokens, the most one person may hold: revoke one you no longer use.");

        var (prefix, key, hash) = ApiKeyService.NewSecret();
        var token = ApiKey.PersonalToken(name, prefix, hash, scopes.Distinct().Order(StringComparer.Ordinal), owner, person.Name, time.GetUtcNow());
        db.ApiKeys.Add(token);
        audit.Record(db, person, "token.created", $"apikey:{name}", new { id = token.Id, prefix, scopes = token.Scopes });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("{Owner} created the personal token {KeyName} ({KeyPrefix}) with scopes {Scopes}", person.Name, name, prefix, token.Scopes);
        return new CreatedApiKey(token.Id, name, prefix, token.Scopes, key);
    }

    /// <summary>The person's own tokens, newest first, revoked ones included (so that a revoked one is not mistaken for lost).</summary>
    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(Actor person, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tokens = await db.ApiKeys.AsNoTracking().Where(k => k.OwnerId == person.Id && k.Kind == ApiKeyKind.PersonalToken)
            .OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return tokens.Select(ApiKeyService.Summary).ToList();
    }

    public async Task RevokeAsync(Actor person, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.Kind == ApiKeyKind.PersonalToken, ct);
        // Someone else's token is refused like one that does not exist: its name is none of the caller's business.
        if (token is null || token.OwnerId != person.Id)
        {
            await RefuseAsync(person, "token.revoke", $"apikey:{id}", "not the caller's token", ct);
            throw new DomainRuleException("You have no token with that id.");
        }
        token.Revoke(person.Name, time.GetUtcNow());
        audit.Record(db, person, "token.revoked", $"apikey:{token.Name}", new { id = token.Id, prefix = token.Prefix });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("{Owner} revoked the personal token {KeyName} ({KeyPrefix})", person.Name, token.Name, token.Prefix);
    }

    /// <summary>The acting person's user id; a key, the system or a disabled user is refused (and the refusal audited).</summary>
    private async Task<string> OwnerAsync(OpsDbContext db, Actor person, string action, string subject, CancellationToken ct)
    {
        var enabled = person.Key is null && person.Grants is null
                      && await db.Users.AnyAsync(u => u.Id == person.Id && !u.IsDisabled, ct);
        if (enabled)
            return person.Id;
        await RefuseAsync(person, action, subject, "not a signed-in person", ct);
        throw new DomainRuleException("Only a signed-in member of staff makes personal tokens, for themselves.");
    }

    private async Task RefuseAsync(Actor person, string action, string subject, string why, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        audit.Record(db, person, action, subject, new { why }, AuditOutcome.Refused);
        await db.SaveChangesAsync(ct);
    }
}
