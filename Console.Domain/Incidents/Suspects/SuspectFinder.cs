using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>
/// Finds the changes that may have caused an incident: those on the affected target that took effect within the
/// look-back window before onset (or after it), ranked by <see cref="SuspectRanker"/> against the failure classes
/// seen since onset. Call it again as evidence arrives: the same store and a later <c>now</c> may re-rank.
/// </summary>
public sealed class SuspectFinder(IDbContextFactory<OpsDbContext> dbFactory, CheckoutHealth health)
{
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(24);

    public async Task<SuspectFindings> FindAsync(Guid targetId, string? service, DateTimeOffset onset, DateTimeOffset now,
        TimeSpan? lookBack = null, CancellationToken ct = default)
    {
        var since = onset - (lookBack ?? DefaultLookBack);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changes = await db.Changes.AsNoTracking().Include(c => c.Reviews)
            .Where(c => c.TargetId == targetId && (c.AppliedAt >= since || c.DetectedAt >= since))
            .ToListAsync(ct);
        // Failures from the onset's minute on: the minute the alert saw crossing its threshold belongs to the incident.
        var figures = await health.WindowAsync(onset, now > onset ? now : onset.AddMinutes(1), service, ct);
        return SuspectRanker.Rank(targetId, onset, changes.Select(SuspectCandidate.Of).OfType<SuspectCandidate>(), FailureProfile.Of(figures));
    }
}
