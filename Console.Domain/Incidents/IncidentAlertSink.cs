using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Incidents;

/// <summary>
/// Where every alert goes. A firing page opens an incident, or joins the open one that holds the same alert or is for
/// the same service and target; a resolved alert is written on the timeline of the incident that holds it; a ticket
/// joins an open incident's timeline and never opens one. Opening is serialized across console instances by a
/// transaction-scoped advisory lock, so two alerts arriving together make one incident, not two.
/// </summary>
public sealed class IncidentAlertSink(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit, IncidentService incidents, IncidentSuspects suspects,
    TimeProvider time, ILogger<IncidentAlertSink> logger) : IAlertSink
{
    private static readonly long OpenLockKey = StoreLocks.KeyOf("incident-open");

    /// <summary>A page opens at this severity unless its labels say otherwise (<c>severity: sev1</c> … <c>sev4</c>).</summary>
    public const IncidentSeverity DefaultPageSeverity = IncidentSeverity.Sev2;

    public async Task<int?> ReceiveAsync(AlertSignal alert, CancellationToken ct)
    {
        var actor = new Actor($"alert:{alert.Source}", $"alert ({alert.Source})", []);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({OpenLockKey})", ct);
        var targetId = alert.Target is null ? null
            : await db.Targets.Where(t => t.Name == alert.Target).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow();

        Incident? incident;
        string action;
        if (alert.Resolved)
        {
            incident = await HolderAsync(db, alert, ct);
            if (incident is null && alert.Level == AlertLevel.Ticket)
                incident = await OpenForAsync(db, alert, targetId, ct);
            if (incident is null)
                return Ignored(alert, "no incident holds it");
            if (alert.Level == AlertLevel.Ticket)
                incident.RecordTicket(alert, now);
            else
                incident.RecordAlertResolved(alert, now);
            action = "incident.alert_resolved";
        }
        else if (alert.Level == AlertLevel.Ticket)
        {
            incident = await OpenForAsync(db, alert, targetId, ct);
            if (incident is null)
                return Ignored(alert, "a ticket opens no incident, and none is open for its service and target");
            incident.RecordTicket(alert, now);
            action = "incident.ticket_recorded";
        }
        else if (await OpenForAsync(db, alert, targetId, ct) is { } open)
        {
            incident = open;
            incident.JoinAlert(alert, now);
            action = "incident.alert_joined";
        }
        else
        {
            incident = Incident.OpenFromAlert(alert, SeverityOf(alert), targetId, now);
            db.Incidents.Add(incident);
            await db.SaveChangesAsync(ct);
            action = "incident.opened";
        }
        audit.Record(db, actor, action, IncidentService.Subject(incident.Number),
            new { alert.Source, alert.Fingerprint, alert.Name, alert.Service, alert.Target, alert.StartsAt, alert.EndsAt, alert.Summary });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        incidents.Publish(incident, action == "incident.opened" ? IncidentUpdated.OpenedWhat : "timeline");
        if (action is "incident.opened" or "incident.alert_joined")
        {
            logger.LogWarning("Alert {Name} ({Source}) {Action} incident {Number} on {Service}/{Target}", alert.Name, alert.Source,
                action == "incident.opened" ? "opened" : "joined", incident.Number, alert.Service, alert.Target);
            await RefreshSuspectsAsync(incident, ct);
        }
        return incident.Number;
    }

    /// <summary>An alert's own labels may set the severity; otherwise a page is <see cref="DefaultPageSeverity"/>.</summary>
    public static IncidentSeverity SeverityOf(AlertSignal alert) =>
        alert.Labels is { } labels && labels.TryGetValue("severity", out var text) && IncidentText.ParseSeverity(text) is { } severity
            ? severity
            : DefaultPageSeverity;

    /// <summary>The latest incident holding this alert (open or not), locked for update.</summary>
    private static async Task<Incident?> HolderAsync(OpsDbContext db, AlertSignal alert, CancellationToken ct)
    {
        var id = await db.Incidents.Where(i => i.Fingerprints.Contains(alert.Fingerprint)).OrderByDescending(i => i.Number)
            .Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct);
        return id is { } found ? await IncidentService.LockAsync(db, found, ct) : null;
    }

    /// <summary>The open incident that holds this alert, or else the newest open one for the same service and target; locked for update.</summary>
    private static async Task<Incident?> OpenForAsync(OpsDbContext db, AlertSignal alert, Guid? targetId, CancellationToken ct)
    {
        var open = db.Incidents.Where(i => i.Status != IncidentStatus.Resolved);
        var id = await open.Where(i => i.Fingerprints.Contains(alert.Fingerprint)).OrderByDescending(i => i.Number).Select(i => (Guid?)i.Id)
                     .FirstOrDefaultAsync(ct)
                 ?? await open.Where(i => i.Service == alert.Service
                                          && (targetId != null ? i.TargetId == targetId : alert.Target == null ? i.TargetName == null : i.TargetName == alert.Target))
                     .OrderByDescending(i => i.Number).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct);
        return id is { } found ? await IncidentService.LockAsync(db, found, ct) : null;
    }

    private async Task RefreshSuspectsAsync(Incident incident, CancellationToken ct)
    {
        try
        {
            await suspects.RefreshAsync(incident.Id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The incident is open and recorded; the watcher searches again on its next round.
            logger.LogWarning(e, "Could not search the suspects of incident {Number} yet", incident.Number);
        }
    }

    private int? Ignored(AlertSignal alert, string why)
    {
        logger.LogInformation("Alert {Name} ({Source}, {Fingerprint}) {State}: {Why}", alert.Name, alert.Source, alert.Fingerprint,
            alert.Resolved ? "resolved" : "firing", why);
        return null;
    }
}
