using System.Text.Json;
using OpsConsole.Domain.Alerts;

namespace OpsConsole.Web.Api;

/// <summary>
/// The console's own alert body (<see cref="GenericAlertBody"/>), for scripts and monitors that are not Alertmanager.
/// Unknown fields are refused, as everywhere in this API. Pure: the same body and time give the same alert.
/// </summary>
public static class GenericAlertParser
{
    public const string Source = "api";

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "key", "name", "status", "level", "service", "target", "summary", "startsAt", "endsAt", "labels",
    };

    /// <param name="now">The onset of an alert that gives no startsAt, and the end of a resolved one that gives no endsAt.</param>
    public static ParsedAlerts Parse(JsonElement root, DateTimeOffset now)
    {
        var json = new AlertJson();
        if (root.ValueKind != JsonValueKind.Object)
        {
            json.Error("$", "The body must be a JSON object.");
            return new ParsedAlerts([], json.Errors);
        }
        foreach (var unknown in root.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
            json.Error(unknown.Name, $"'{unknown.Name}' is not a field of an alert.");

        var key = json.Text(root, "key", "key", required: true, max: AlertJson.MaxKey);
        var name = json.Text(root, "name", "name", required: true, max: 200);
        var status = json.Text(root, "status", "status", required: false) ?? "firing";
        if (status is not "firing" and not "resolved")
            json.Error("status", "'status' is firing or resolved.");
        var level = json.Text(root, "level", "level", required: false) ?? "page";
        if (level is not "page" and not "ticket")
            json.Error("level", "'level' is page or ticket.");
        var service = json.Text(root, "service", "service", required: true, max: 200);
        var target = json.Text(root, "target", "target", required: false, max: 200);
        var summary = json.Text(root, "summary", "summary", required: false, multiLine: true);
        var startsAt = json.Time(root, "startsAt", "startsAt", required: false) ?? now;
        var endsAt = json.Time(root, "endsAt", "endsAt", required: false);
        var labels = json.Map(root, "labels", "labels", required: false);
        if (status == "firing" && endsAt is not null)
            json.Error("endsAt", "'endsAt' is for a resolved alert: leave it out while the alert fires.");
        if (startsAt > now.AddMinutes(5))
            json.Error("startsAt", "'startsAt' is in the future.");
        if (endsAt is not null && endsAt < startsAt)
            json.Error("endsAt", "'endsAt' is before 'startsAt'.");
        if (json.Errors.Count > 0)
            return new ParsedAlerts([], json.Errors);

        var alert = new AlertSignal(Source, key!, name!, level == "ticket" ? AlertLevel.Ticket : AlertLevel.Page, service!,
            string.IsNullOrEmpty(target) ? null : target, string.IsNullOrEmpty(summary) ? name! : summary, startsAt,
            status == "resolved" ? endsAt ?? now : null, labels);
        return new ParsedAlerts([alert], json.Errors);
    }
}

/// <summary>
/// The body of <c>POST /api/v1/alerts</c>: one alert. Send it again with the same key while it fires (repeats join what
/// the first opened), then once with status resolved.
/// </summary>
public sealed class GenericAlertBody
{
    /// <summary>Required, at most 200 characters: the same key names the same alert from firing to resolved.</summary>
    public string? Key { get; set; }
    /// <summary>Required: what fired, short, e.g. "Payment gateway errors".</summary>
    public string? Name { get; set; }
    /// <summary>firing (the default) or resolved.</summary>
    public string? Status { get; set; }
    /// <summary>page (the default: opens or joins an incident) or ticket (recorded on an open incident only).</summary>
    public string? Level { get; set; }
    /// <summary>Required: the affected service, e.g. checkout.</summary>
    public string? Service { get; set; }
    /// <summary>The affected monitored target's name in the console, when there is one.</summary>
    public string? Target { get; set; }
    /// <summary>One sentence: what was measured against what. Defaults to the name.</summary>
    public string? Summary { get; set; }
    /// <summary>When the condition began (the onset); defaults to now.</summary>
    public DateTimeOffset? StartsAt { get; set; }
    /// <summary>For a resolved alert: when it ended; defaults to now.</summary>
    public DateTimeOffset? EndsAt { get; set; }
    /// <summary>Free labels, strings only (at most 100).</summary>
    public Dictionary<string, string>? Labels { get; set; }
}
