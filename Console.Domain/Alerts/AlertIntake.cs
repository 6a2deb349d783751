using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Alerts;

/// <summary>What became of one alert handed over: the incident it opened or joined, if any.</summary>
public sealed record AlertReceipt(string Fingerprint, bool Resolved, int? Incident);

/// <summary>
/// Alerts from outside the console (Alertmanager, scripts), on their way to <see cref="IAlertSink"/>. A sender needs
/// <see cref="Permission.SendAlerts"/>, since a page opens an incident; each batch is audited under the sender before the
/// sink sees it, so the trail says who raised what even when the sink joins an incident already open.
/// </summary>
public sealed class AlertIntake(IDbContextFactory<OpsDbContext> dbFactory, AccessGuard guard, AuditLog audit, IAlertSink sink, ILogger<AlertIntake> logger)
{
    public async Task<IReadOnlyList<AlertReceipt>> ReceiveAsync(Actor sender, IReadOnlyList<AlertSignal> alerts, CancellationToken ct = default)
    {
        var subject = $"alerts:{alerts.Select(a => a.Source).FirstOrDefault() ?? "api"}";
        await guard.DemandAsync(sender, Permission.SendAlerts, "alert.receive", subject, ct);
        if (alerts.Count == 0)
            return [];

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            audit.Record(db, sender, "alert.received", subject, new
            {
                alerts = alerts.Select(a => new { a.Fingerprint, a.Name, level = a.Level.ToString(), resolved = a.Resolved, a.Service, a.Target }),
            });
            await db.SaveChangesAsync(ct);
        }

        var receipts = new List<AlertReceipt>(alerts.Count);
        foreach (var alert in alerts)
        {
            var incident = await sink.ReceiveAsync(alert, ct);
            logger.LogInformation("Alert {AlertName} ({Source}, {Fingerprint}) {State} from {Sender}: incident {Incident}", alert.Name, alert.Source,
                alert.Fingerprint, alert.Resolved ? "resolved" : "firing", sender.Name, incident);
            receipts.Add(new AlertReceipt(alert.Fingerprint, alert.Resolved, incident));
        }
        return receipts;
    }
}
