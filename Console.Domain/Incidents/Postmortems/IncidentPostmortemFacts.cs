using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Incidents.Impact;

namespace OpsConsole.Domain.Incidents.Postmortems;

/// <summary>
/// The facts a postmortem is drafted from, read from a stored incident: its times and durations, checkout impact over its
/// window (onset to recovery, or to now), the timeline as it reads (notes at their latest text), and the suspects with
/// what was done to each. The page's "Draft" and the API read the same facts.
/// </summary>
public sealed class IncidentPostmortemFacts(IncidentQueries incidents, IncidentImpactQuery impacts, IDbContextFactory<OpsDbContext> dbFactory,
    TimeProvider time)
{
    public async Task<PostmortemFacts> ReadAsync(Guid incidentId, CancellationToken ct = default)
    {
        var detail = await incidents.GetAsync(incidentId, ct) ?? throw new DomainRuleException("That incident does not exist.");
        var incident = detail.Incident;
        var now = time.GetUtcNow();
        var durations = IncidentDurations.Of(incident.OnsetAt, incident.OpenedAt, incident.IdentifiedAt, incident.RecoveredAt, incident.ResolvedAt, now);
        var impact = await impacts.ReadAsync(incident.OnsetAt, incident.RecoveredAt ?? incident.ResolvedAt ?? now, incident.Service, ct);
        var rolledBack = detail.Timeline.Where(e => e.Kind == TimelineKind.RollbackFinished && e.ChangeId is not null)
            .GroupBy(e => e.ChangeId!.Value).ToDictionary(g => g.Key, g => g.Min(e => e.At));
        var currency = await CurrencyAsync(incident, now, ct);
        return new PostmortemFacts(
            incident.Number, incident.Title, IncidentText.Of(incident.Severity), incident.Service, incident.TargetName, incident.CommanderName,
            new PostmortemTimes(incident.OnsetAt, incident.OpenedAt, incident.IdentifiedAt, incident.RecoveredAt, incident.ResolvedAt),
            new PostmortemDurations(durations.TimeToDetect, durations.TimeToIdentify, durations.TimeToRecover, durations.Ongoing ? null : durations.Total),
            impact.Attempts == 0 ? null : new PostmortemImpact(impact.FailedCheckouts, impact.Attempts, impact.FailedShare ?? 0, impact.EstimatedLostRevenue, currency),
            [.. detail.Timeline.Where(e => e.Kind is not (TimelineKind.NoteEdited or TimelineKind.NoteDeleted)).Select(e => Item(detail, e))
                .Where(i => i is not null).Select(i => i!)],
            [.. detail.Suspects.Select(s => new PostmortemSuspect(s.ChangeNumber, s.Title, s.Parameter, s.Strength, s.Evidence,
                MarkedCause: s.ChangeId == incident.CauseChangeId, RolledBackAt: rolledBack.TryGetValue(s.ChangeId, out var at) ? at : null))],
            incident.FailureSummary);
    }

    /// <summary>A note at its latest text (a deleted one is left out); every other entry as it was written.</summary>
    private static PostmortemTimelineItem? Item(IncidentDetail detail, IncidentTimelineEntry entry)
    {
        if (entry.Kind != TimelineKind.Note)
            return new(entry.At, entry.Kind.ToString(), entry.ActorName, entry.Text);
        var note = detail.Notes[entry.Id];
        return note.Deleted ? null : new(entry.At, entry.Kind.ToString(), note.AuthorName, note.Text);
    }

    /// <summary>
    /// The currency the service's failed checkouts reported in the window, when they did: the revenue at stake is theirs, and
    /// failed checkouts are the ones indexed by service and time (decisions/0043).
    /// </summary>
    private async Task<string?> CurrencyAsync(Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var to = incident.RecoveredAt ?? incident.ResolvedAt ?? now;
        return await db.CheckoutEvents
            .Where(e => e.Service == incident.Service && e.Outcome == CheckoutOutcome.Failed && e.OccurredAt >= incident.OnsetAt && e.OccurredAt <= to
                        && e.Currency != null)
            .Select(e => e.Currency).FirstOrDefaultAsync(ct);
    }
}
