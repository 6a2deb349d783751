using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Incidents;

/// <summary>Reads incidents for pages and the API. Everyone who may sign in reads them (Viewers included).</summary>
public sealed class IncidentQueries(IDbContextFactory<OpsDbContext> dbFactory)
{
    public async Task<IncidentDetail?> GetAsync(Guid incidentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        return incident is null ? null : await DetailAsync(db, incident, ct);
    }

    /// <summary>An incident by its short human number (#7), as pages and the API name it.</summary>
    public async Task<IncidentDetail?> GetByNumberAsync(int number, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Number == number, ct);
        return incident is null ? null : await DetailAsync(db, incident, ct);
    }

    /// <summary>Newest first, filtered by when it began (onset), service and status.</summary>
    public async Task<IncidentPage> ListAsync(IncidentFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Incidents.AsNoTracking();
        if (filter.From is { } from) query = query.Where(i => i.OnsetAt >= from);
        if (filter.To is { } to) query = query.Where(i => i.OnsetAt <= to);
        if (!string.IsNullOrWhiteSpace(filter.Service)) query = query.Where(i => i.Service == filter.Service.Trim());
        if (filter.Status is { } status) query = query.Where(i => i.Status == status);
        if (filter.OpenOnly) query = query.Where(i => i.Status != IncidentStatus.Resolved);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(i => i.Number).Skip(Math.Max(0, filter.Skip)).Take(Math.Clamp(filter.Take, 1, 500))
            .Select(i => new IncidentListItem(i.Id, i.Number, i.Title, i.Severity, i.Status, i.Service, i.TargetId, i.TargetName, i.CommanderName,
                i.OnsetAt, i.OpenedAt, i.IdentifiedAt, i.RecoveredAt, i.ResolvedAt, i.CauseChangeNumber))
            .ToListAsync(ct);
        return new IncidentPage(items, total);
    }

    /// <summary>The incidents not yet resolved, worst first: what the banner and the snackbar point at.</summary>
    public async Task<IReadOnlyList<IncidentListItem>> OpenAsync(CancellationToken ct = default) =>
        (await ListAsync(new IncidentFilter(OpenOnly: true, Take: 500), ct)).Items.OrderBy(i => i.Severity).ThenByDescending(i => i.Number).ToList();

    /// <summary>The services incidents were opened for, for the list's filter.</summary>
    public async Task<IReadOnlyList<string>> ServicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Incidents.Select(i => i.Service).Distinct().OrderBy(s => s).ToListAsync(ct);
    }

    private static async Task<IncidentDetail> DetailAsync(OpsDbContext db, Incident incident, CancellationToken ct)
    {
        var timeline = await db.IncidentTimeline.AsNoTracking().Where(e => e.IncidentId == incident.Id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var suspects = await db.IncidentSuspects.AsNoTracking().Where(s => s.IncidentId == incident.Id).OrderBy(s => s.Rank).ToListAsync(ct);
        return new IncidentDetail(incident, timeline, suspects);
    }
}
