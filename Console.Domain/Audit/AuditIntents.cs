using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// Intent before action: before the console touches a target (apply, rollback, cancel, terminate) it commits an entry
/// saying what it is about to do, then acts, then records the outcome in an entry whose details carry
/// <c>"intent": id</c>. A crash, or a store that stops answering, between the two leaves an intent without an outcome:
/// the target may have been changed, and the trail says so instead of saying nothing.
/// </summary>
public sealed class AuditIntents(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit)
{
    public const string Suffix = ".intent";

    /// <summary>Commits, in a transaction of its own, that <paramref name="actor"/> is about to do <paramref name="action"/>; returns the intent's id.</summary>
    public async Task<long> DeclareAsync(Actor actor, string action, string subject, object details, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = audit.Record(db, actor, action + Suffix, subject, details, AuditOutcome.Intended);
        await db.SaveChangesAsync(ct);
        return entry.Id;
    }

    /// <summary>Of <paramref name="intentIds"/>, those whose outcome was never recorded.</summary>
    public async Task<IReadOnlySet<long>> UnresolvedAsync(IEnumerable<long> intentIds, CancellationToken ct = default)
    {
        var ids = intentIds.Distinct().ToArray();
        if (ids.Length == 0)
            return new HashSet<long>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await Unresolved(db).Where(i => ids.Contains(i.Id)).Select(i => i.Id).ToListAsync(ct)).ToHashSet();
    }

    /// <summary>The intents about <paramref name="subject"/> (such as <c>change:12</c>) whose outcome was never recorded, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> UnresolvedAboutAsync(string subject, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Unresolved(db).Where(i => i.Subject == subject).OrderBy(i => i.Sequence).AsNoTracking().ToListAsync(ct);
    }

    // The outcome names its intent in its details; the expression index of migration AuditIntentOutcomes finds it.
    private static IQueryable<AuditEntry> Unresolved(OpsDbContext db) => db.AuditEntries.FromSql($"""
        SELECT i.* FROM audit_entries i
        WHERE i."Outcome" = 'Intended'
          AND NOT EXISTS (SELECT 1 FROM audit_entries o WHERE o."Details" ->> 'intent' = i."Id"::text)
        """);
}
