using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// Keeps rehearsals off production. A rehearsal changes settings with ALTER SYSTEM, which reaches every database of
/// a cluster, so the question is about clusters, not databases: a rehearsal runs only on a target marked Staging whose
/// cluster holds no registered production target. When a production target does not answer, the staging target is
/// refused as well: the console cannot prove the two apart, and a wrong guess would change production.
/// </summary>
public sealed class StagingGuard(IDbContextFactory<OpsDbContext> dbFactory, ClusterIdentity clusters, AuditLog audit)
{
    public const string Field = "target";

    /// <summary>
    /// The target, when a rehearsal may change its cluster; otherwise a <see cref="DomainRuleException"/> naming the
    /// field <c>target</c>. With an <paramref name="actor"/>, a refusal is audited (rehearsal.refused) in a transaction of its own.
    /// </summary>
    public async Task<Target> DemandRehearsableAsync(Guid targetId, Actor? actor = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == targetId, ct)
            ?? throw new DomainRuleException("That target does not exist.", Field);
        try
        {
            await DemandAsync(db, target, ct);
            return target;
        }
        catch (DomainRuleException refusal) when (actor is not null)
        {
            await using var trail = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            audit.Record(trail, actor, "rehearsal.refused", $"target:{target.Name}", new { reason = refusal.Message }, AuditOutcome.Refused);
            await trail.SaveChangesAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task DemandAsync(OpsDbContext db, Target target, CancellationToken ct)
    {
        if (target.IsRetired)
            throw new DomainRuleException($"{target.Name} is retired: a retired target takes no rehearsals.", Field);
        if (target.Environment == TargetEnvironment.Production)
            throw new DomainRuleException($"{target.Name} is a production target. A rehearsal changes the settings of a whole cluster and runs " +
                "peak load on it, so it never runs on production: choose a staging target.", Field);
        if (target.Environment != TargetEnvironment.Staging)
            throw new DomainRuleException($"{target.Name} is not marked Staging (it is {target.Environment}). A rehearsal changes the settings of a " +
                "whole cluster, so it runs only on a target an Admin has marked Staging on Admin → Targets.", Field);

        long? staging;
        try
        {
            staging = await clusters.SystemIdentifierAsync(target, ct);
        }
        catch (TargetUnavailableException e)
        {
            throw new DomainRuleException($"{target.Name} does not answer ({e.Cause}), so it cannot be rehearsed on now.", Field);
        }

        // Paused production targets count: they are still production, only not watched.
        var production = await db.Targets.AsNoTracking()
            .Where(t => t.Environment == TargetEnvironment.Production && t.RetiredAt == null).OrderBy(t => t.Name).ToListAsync(ct);
        var answers = await Task.WhenAll(production.Select(async p =>
        {
            try
            {
                return (p, Shared: (bool?)await clusters.SameClusterAsync(target, staging, p, ct), Cause: (string?)null);
            }
            catch (TargetUnavailableException e)
            {
                return (p, Shared: null, e.Cause);
            }
        }));
        if (answers.FirstOrDefault(a => a.Shared == true).p is { } shared)
            throw new DomainRuleException($"{target.Name} is in the same PostgreSQL cluster as the production target {shared.Name}: ALTER SYSTEM " +
                "on it would change production too. Rehearse on a staging target in a cluster of its own.", Field);
        if (answers.FirstOrDefault(a => a.Shared is null).p is { } silent)
            throw new DomainRuleException($"The production target {silent.Name} does not answer " +
                $"({answers.First(a => a.p == silent).Cause}), so the console cannot prove that {target.Name} is in another cluster. " +
                "Try again once it answers, or retire it if it is gone for good.", Field);
    }
}
