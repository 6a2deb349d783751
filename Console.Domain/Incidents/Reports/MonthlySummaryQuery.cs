using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Incidents.Reports;

/// <summary>
/// The monthly summary over the store: reads the registered changes applied in the months (the change-failure side)
/// and hands them, with the incidents' facts the caller read, to <see cref="MonthlySummary"/>. Drift (Detected changes)
/// is left out of both sides of the change failure rate: nobody applied it, so it measures no one's changes.
/// </summary>
public sealed class MonthlySummaryQuery(IDbContextFactory<OpsDbContext> dbFactory)
{
    /// <summary>Five years of months: more is no longer a chart anyone reads month by month.</summary>
    public const int MaxMonths = 60;

    public async Task<IReadOnlyList<MonthFigures>> SummarizeAsync(IReadOnlyList<IncidentFacts> incidents, IReadOnlySet<Guid> changesLinkedToIncidents,
        ReportMonth first, ReportMonth last, TimeZoneInfo zone, CancellationToken ct = default)
    {
        if (last < first)
            throw new DomainRuleException("The last month comes before the first.", "to");
        if ((last.Year - first.Year) * 12 + last.Month - first.Month >= MaxMonths)
            throw new DomainRuleException($"A summary spans at most {MaxMonths} months.", "to");
        var changes = await AppliedChangesAsync(first.StartIn(zone), last.Next().StartIn(zone), changesLinkedToIncidents, ct);
        return MonthlySummary.Of(incidents, changes, first, last, zone);
    }

    /// <summary>Registered changes applied in [<paramref name="from"/>, <paramref name="to"/>), each with whether it failed.</summary>
    public async Task<IReadOnlyList<ChangeFacts>> AppliedChangesAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlySet<Guid> linkedToIncidents,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Changes.AsNoTracking()
            .Where(c => c.DetectedAt == null && c.AppliedAt != null && c.AppliedAt >= from && c.AppliedAt < to)
            .Select(c => new { c.Id, AppliedAt = c.AppliedAt!.Value, c.RolledBackAt, c.Status })
            .ToListAsync(ct);
        // A failed rollback still means someone had to undo the change: it failed as a change either way.
        return rows.Select(c => new ChangeFacts(c.Id, c.AppliedAt, c.RolledBackAt is not null || c.Status == ChangeStatus.RollbackFailed,
            linkedToIncidents.Contains(c.Id))).ToList();
    }
}
