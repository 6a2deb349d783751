using System.Text.Json;
using OpsConsole.Domain.Alerts;

namespace OpsConsole.Web.Api;

/// <summary>
/// Prometheus Alertmanager's webhook body (version 4), as Alertmanager sends it: <c>alerts[]</c>, each with status,
/// labels, annotations, startsAt, endsAt (<c>0001-01-01T00:00:00Z</c> while firing) and fingerprint. Fields this does not
/// use (receiver, groupKey, externalURL, generatorURL, truncatedAlerts…) are ignored, so a newer Alertmanager still gets
/// through. How labels map to the console:
/// <list type="bullet">
/// <item>the alert's name is the label <c>alertname</c> (required);</item>
/// <item>the level is a page unless the label <c>severity</c> is warning, info, ticket, low or none;</item>
/// <item>the service is the label <c>service</c>, else <c>job</c>, else the alert's name;</item>
/// <item>the target is the label <c>target</c> (a monitored target's name in the console), when set;</item>
/// <item>the summary is the annotation <c>summary</c>, else <c>description</c>, else the name.</item>
/// </list>
/// Pure: the same body and time give the same alerts.
/// </summary>
public static class AlertmanagerParser
{
    public const string Source = "alertmanager";
    public const int MaxAlerts = 1000;

    private static readonly HashSet<string> TicketSeverities = new(StringComparer.OrdinalIgnoreCase) { "warning", "info", "ticket", "low", "none" };

    /// <param name="now">The end of a resolved alert that gives none.</param>
    public static ParsedAlerts Parse(JsonElement root, DateTimeOffset now)
    {
        var json = new AlertJson();
        var alerts = new List<AlertSignal>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            json.Error("$", "The body must be a JSON object.");
            return new ParsedAlerts(alerts, json.Errors);
        }
        if (root.TryGetProperty("version", out var version) && !(version.ValueKind == JsonValueKind.String && version.GetString() == "4"))
            json.Error("version", "Only version \"4\" of Alertmanager's webhook body is understood.");
        if (!root.TryGetProperty("alerts", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            json.Error("alerts", "Give 'alerts', an array of alerts.");
            return new ParsedAlerts(alerts, json.Errors);
        }
        if (items.GetArrayLength() > MaxAlerts)
        {
            json.Error("alerts", $"'alerts' holds more than {MaxAlerts} alerts: set max_alerts on the receiver.");
            return new ParsedAlerts(alerts, json.Errors);
        }

        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (Alert(json, item, $"alerts[{index++}]", now) is { } alert)
                alerts.Add(alert);
        }
        return new ParsedAlerts(json.Errors.Count == 0 ? alerts : [], json.Errors);
    }

    private static AlertSignal? Alert(AlertJson json, JsonElement item, string place, DateTimeOffset now)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            json.Error(place, $"'{place}' must be an object.");
            return null;
        }
        var errorsBefore = json.Errors.Count;
        var status = json.Text(item, "status", $"{place}.status", required: true);
        if (status is not null and not "firing" and not "resolved")
            json.Error($"{place}.status", $"'{place}.status' is firing or resolved, not '{Shorten(status)}'.");
        var labels = json.Map(item, "labels", $"{place}.labels", required: true);
        var annotations = json.Map(item, "annotations", $"{place}.annotations", required: false);
        var startsAt = json.Time(item, "startsAt", $"{place}.startsAt", required: true);
        var endsAt = json.Time(item, "endsAt", $"{place}.endsAt", required: false);
        var fingerprint = json.Text(item, "fingerprint", $"{place}.fingerprint", required: true, max: AlertJson.MaxKey);
        if (!labels.TryGetValue("alertname", out var name) && !json.Errors.ContainsKey($"{place}.labels"))
            json.Error($"{place}.labels.alertname", $"Give '{place}.labels.alertname'.");
        if (json.Errors.Count > errorsBefore)
            return null;

        var resolved = status == "resolved";
        // Alertmanager sends the zero time as endsAt while an alert fires; a resolved one without a real end ends now.
        var end = resolved ? endsAt is { Year: > 1 } e ? e : now : (DateTimeOffset?)null;
        var level = labels.TryGetValue("severity", out var severity) && TicketSeverities.Contains(severity) ? AlertLevel.Ticket : AlertLevel.Page;
        var service = labels.GetValueOrDefault("service") ?? labels.GetValueOrDefault("job") ?? name!;
        var summary = annotations.GetValueOrDefault("summary") ?? annotations.GetValueOrDefault("description") ?? name!;
        return new AlertSignal(Source, fingerprint!, name!, level, service, labels.GetValueOrDefault("target"), summary, startsAt!.Value, end, labels);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
