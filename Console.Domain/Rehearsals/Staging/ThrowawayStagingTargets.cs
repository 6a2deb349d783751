using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// The store's side of throwaway staging clusters: who may create and remove them (RunRehearsals: DBAs rehearse, but
/// do not administer targets), and their targets, registered and retired each in one transaction with its audit entry.
/// The host that runs the clusters (<see cref="IThrowawayStaging"/>) calls this; it never decides a rule itself.
/// </summary>
public sealed partial class ThrowawayStagingTargets(IDbContextFactory<OpsDbContext> dbFactory, TargetConnections connections, AccessGuard guard,
    AuditLog audit, LiveEvents live, StoreLocks locks, TimeProvider time)
{
    public const string Created = "staging.throwaway.created";
    public const string Removed = "staging.throwaway.removed";
    private const string NamePrefix = "throwaway-staging-";

    /// <summary>A short id for a new cluster: the name of its folder, and the end of its target's name.</summary>
    public static string NewShortId() => Guid.NewGuid().ToString("N")[..8];

    public static string NameFor(string shortId) => NamePrefix + shortId;

    /// <summary>The short id in a throwaway target's name (its cluster's folder), or null for a name that is not one.</summary>
    public static string? ShortIdOf(string name) => ThrowawayName().Match(name) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The store lock a rehearsal holds on its target while it runs; a cluster is never removed from under it.</summary>
    public static string RehearsalLockName(Guid targetId) => $"rehearsal:{targetId}";

    public Task DemandAsync(Actor actor, string action, string name, CancellationToken ct) =>
        guard.DemandAsync(actor, Permission.RunRehearsals, action, $"target:{name}", ct);

    /// <summary>The new cluster's target, with its audit entry, in one transaction; then the news.</summary>
    public async Task<Target> RegisterAsync(Actor actor, string name, string connectionString, string serverVersion, object details, CancellationToken ct)
    {
        await DemandAsync(actor, Created, name, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = Target.ThrowawayStaging(name, connections.Protect(connectionString), time.GetUtcNow());
        target.RecordCheck(time.GetUtcNow(), serverVersion, null);
        db.Targets.Add(target);
        audit.Record(db, actor, Created, $"target:{name}", details);
        await db.SaveChangesAsync(ct);
        live.Publish(new TargetUpdated(target.Id));
        return target;
    }

    /// <summary>An active throwaway target, else a refusal that says what it is instead.</summary>
    public async Task<Target> GetActiveAsync(Guid targetId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == targetId, ct)
            ?? throw new DomainRuleException("That target does not exist.", "target");
        if (!target.IsThrowaway)
            throw new DomainRuleException($"{target.Name} is not a throwaway staging cluster: retire it on Admin → Targets instead.", "target");
        if (target.IsRetired)
            throw new DomainRuleException($"{target.Name} was removed already.", "target");
        return target;
    }

    /// <summary>The active throwaway target named <paramref name="name"/>, if there is one.</summary>
    public async Task<Target?> FindActiveAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Name == name && t.IsThrowaway && t.RetiredAt == null, ct);
    }

    /// <summary>
    /// The rehearsal lock of the target, taken so that no rehearsal starts while its cluster is removed; null while a
    /// rehearsal holds it, on this instance or another.
    /// </summary>
    public async Task<StoreLock?> HoldAgainstRehearsalsAsync(Guid targetId, CancellationToken ct)
    {
        var name = RehearsalLockName(targetId);
        return locks.Holds(name) ? null : await locks.TryTakeAsync(name, ct);
    }

    /// <summary>
    /// Retires the target of a removed cluster, with its audit entry, in one transaction; then the news. Revert plans still
    /// open on it (an interrupted rehearsal's) are closed with it: their cluster is gone, so nothing is left to put back,
    /// and they would otherwise be retried for ever.
    /// </summary>
    public async Task RetireAsync(Actor actor, Guid targetId, string reason, CancellationToken ct)
    {
        await guard.DemandAsync(actor, Permission.RunRehearsals, Removed, (db, c) => AuditSubjects.TargetAsync(db, targetId, c), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var target = await db.Targets.FromSql($"SELECT * FROM targets WHERE \"Id\" = {targetId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("That target does not exist.", "target");
        target.Retire(time.GetUtcNow());
        var plans = await db.StagingRevertPlans.Where(p => p.TargetId == targetId && p.RevertedAt == null).ToListAsync(ct);
        foreach (var plan in plans)
            plan.MarkReverted(time.GetUtcNow(), "Nothing to revert: the throwaway staging cluster was removed.", exact: false);
        audit.Record(db, actor, Removed, $"target:{target.Name}", new { reason, revertPlansClosed = plans.Count });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new TargetUpdated(target.Id));
    }

    [GeneratedRegex("^throwaway-staging-([0-9a-f]{8})$")]
    private static partial Regex ThrowawayName();
}
