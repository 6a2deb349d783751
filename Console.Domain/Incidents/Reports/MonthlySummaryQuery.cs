using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Incidents.Reports;

/// <summary>
/// The monthly summary over the store: reads the registered changes applied in the months (the change-failure side)
/// and hands them, with the incidents' facts, to <see cref="MonthlySummary"/>. Drift (Detected changes) is left out of
/// both sides of the change failure rate: nobody applied it, so it measures no one's changes. Everyone who may sign in
/// reads it (Viewers are the managers it is for).
/// </summary>
public sealed class MonthlySummaryQuery(IDbContextFactory<OpsDbContext> dbFactory)
{
    /// <summary>Five years of months: more is no longer a chart anyone reads month by month.</summary>
    public const int MaxMonths = 60;

    /// <summary>
    /// The months from the store: incidents by onset (detected when opened, recovered when health came back), and as
    /// linked to an incident every change an incident names as its cause, whichever month that incident began in.
    /// </summary>
    public async Task<IReadOnlyList<MonthFigures>> ReadAsync(ReportMonth first, ReportMonth last, TimeZoneInfo zone, CancellationToken ct = default)
    {
        DemandRange(first, last);
        var (from, to) = Bounds(first, last, zone);
        List<IncidentFacts> incidents;
        HashSet<Guid> linked;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            incidents = await db.Incidents.AsNoTracking().Where(i => i.OnsetAt >= from && i.OnsetAt < to)
                .Select(i => new IncidentFacts(i.OnsetAt, i.OpenedAt, i.RecoveredAt)).ToListAsync(ct);
            linked = (await db.Incidents.AsNoTracking()
                .Where(i => i.CauseChangeId != null && db.Changes.Any(c => c.Id == i.CauseChangeId && c.AppliedAt >= from && c.AppliedAt < to))
                .Select(i => i.CauseChangeId!.Value).Distinct().ToListAsync(ct)).ToHashSet();
        }
        return await SummarizeAsync(incidents, linked, first, last, zone, ct);
    }

    public async Task<IReadOnlyList<MonthFigures>> SummarizeAsync(IReadOnlyList<IncidentFacts> incidents, IReadOnlySet<Guid> changesLinkedToIncidents,
        ReportMonth first, ReportMonth last, TimeZoneInfo zone, CancellationToken ct = default)
    {
        DemandRange(first, last);
        var (from, to) = Bounds(first, last, zone);
        var changes = await AppliedChangesAsync(from, to, changesLinkedToIncidents, ct);
        return MonthlySummary.Of(incidents, changes, first, last, zone);
    }

    /// <summary>The range's instants in UTC: Npgsql writes only UTC to a timestamptz, and a month begins at +01:00 in Berlin.</summary>
    private static (DateTimeOffset From, DateTimeOffset To) Bounds(ReportMonth first, ReportMonth last, TimeZoneInfo zone) =>
        (first.StartIn(zone).ToUniversalTime(), last.Next().StartIn(zone).ToUniversalTime());

    /// <summary>The range a page or the API may ask for; a refusal names <c>to</c>, the end that is wrong.</summary>
    public static void DemandRange(ReportMonth first, ReportMonth last)
    {
        if (last < first)
            throw new DomainRuleException("The last month comes before the first.", "to");
        if (last.MonthsSince(first) >= MaxMonths)
            throw new DomainRuleException($"A summary spans at most {MaxMonths} months.", "to");
    }

    /// <summary>Registered changes applied in [<paramref name="from"/>, <paramref name="to"/>), each with whether it failed.</summary>
    public async Task<IReadOnlyList<ChangeFacts>> AppliedChangesAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlySet<Guid> linkedToIncidents,
        CancellationToken ct = default)
    {
        (from, to) = (from.ToUniversalTime(), to.ToUniversalTime());
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
