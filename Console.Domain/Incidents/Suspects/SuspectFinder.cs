using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>
/// Finds the changes that may have caused an incident: those on the affected target that took effect within the
/// look-back window before onset (or after it), ranked with their evidence. This first version ranks by nearness
/// only; the ranking that weighs failure classes, relatedness and review replaces <see cref="Rank"/>.
/// </summary>
public sealed class SuspectFinder(IDbContextFactory<OpsDbContext> dbFactory, CheckoutHealth health)
{
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(24);

    public async Task<SuspectFindings> FindAsync(Guid targetId, string? service, DateTimeOffset onset, DateTimeOffset now,
        TimeSpan? lookBack = null, CancellationToken ct = default)
    {
        var since = onset - (lookBack ?? DefaultLookBack);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changes = await db.Changes.AsNoTracking()
            .Where(c => c.TargetId == targetId && (c.AppliedAt >= since || c.DetectedAt >= since))
            .ToListAsync(ct);
        var figures = await health.WindowAsync(onset, now > onset ? now : onset.AddMinutes(1), service, ct);
        return Rank(changes, onset, figures);
    }

    internal static SuspectFindings Rank(IReadOnlyList<ConfigChange> changes, DateTimeOffset onset, CheckoutFigures figures)
    {
        var suspects = changes
            .Select(c => (Change: c, At: c.AppliedAt ?? c.DetectedAt ?? c.CreatedAt))
            .OrderBy(x => Math.Abs((onset - x.At).Ticks))
            .Select(x => new Suspect(x.Change.Id, x.Change.Number, x.Change.Title, x.Change.Parameter, 0.5, SuspectStrength.Possible,
                [x.At <= onset ? $"took effect {DurationText(onset - x.At)} before onset" : $"took effect {DurationText(x.At - onset)} after onset"]))
            .ToList();
        return new SuspectFindings(suspects, $"{figures.Failures} failed checkouts since onset", DatabaseClassFailures: false);
    }

    private static string DurationText(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{Math.Max(0, (int)span.TotalMinutes)} min";
}
