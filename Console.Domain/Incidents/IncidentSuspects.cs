using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Incidents.Suspects;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Incidents;

/// <summary>
/// Keeps an incident's suspects current: asks <see cref="SuspectFinder"/> for the changes on its target within the
/// look-back window, and when the ranking differs replaces the stored rows. A new order (or a first finding) is written
/// on the timeline; figures that only grow as evidence arrives ("72 % of failures…") update the rows quietly.
/// </summary>
public sealed class IncidentSuspects(IDbContextFactory<OpsDbContext> dbFactory, SuspectFinder finder, LiveEvents live, IOptions<IncidentOptions> options,
    TimeProvider time)
{
    /// <summary>Returns true when the stored suspects changed.</summary>
    public async Task<bool> RefreshAsync(Guid incidentId, CancellationToken ct = default)
    {
        Incident? current;
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
            current = await read.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (current?.TargetId is not { } targetId || !current.IsOpen)
            return false;
        var now = time.GetUtcNow();
        var findings = await finder.FindAsync(targetId, current.Service, current.OnsetAt, now, options.Value.LookBack, ct);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await IncidentService.LockAsync(db, incidentId, ct);
        var stored = await db.IncidentSuspects.Where(s => s.IncidentId == incidentId).OrderBy(s => s.Rank).ToListAsync(ct);
        var fresh = findings.Suspects.Select((s, i) => new IncidentSuspect(incidentId, i + 1, s, now)).ToList();
        var sameRows = stored.Count == fresh.Count && stored.Zip(fresh).All(p => p.First.SameAs(p.Second));
        if (sameRows && incident.FailureSummary == findings.FailureSummary)
            return false;

        var reordered = !stored.Select(s => (s.ChangeId, s.Strength)).SequenceEqual(fresh.Select(s => (s.ChangeId, s.Strength)));
        db.IncidentSuspects.RemoveRange(stored);
        db.IncidentSuspects.AddRange(fresh);
        if (reordered)
            incident.RecordSuspects(Describe(fresh, findings, first: stored.Count == 0), first: stored.Count == 0, findings.FailureSummary, now);
        else
            incident.UpdateFailureSummary(findings.FailureSummary);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new IncidentUpdated(incident.Id, incident.Number, incident.Status.ToString(), IncidentText.Of(incident.Severity), "suspects", incident.Title));
        return true;
    }

    private static string Describe(IReadOnlyList<IncidentSuspect> suspects, SuspectFindings findings, bool first)
    {
        if (suspects.Count == 0)
            return $"No changes on the target within the look-back window. {findings.FailureSummary}";
        var top = suspects[0];
        var lead = $"#{top.ChangeNumber} {top.Title} ({top.Strength.ToString().ToLowerInvariant()}: {string.Join("; ", top.Evidence)})";
        var others = suspects.Count > 1 ? $"; then {string.Join(", ", suspects.Skip(1).Take(4).Select(s => $"#{s.ChangeNumber}"))}" : "";
        return $"{(first ? "Suspects found" : "Suspects re-ranked")}: {lead}{others}. {findings.FailureSummary}";
    }
}
