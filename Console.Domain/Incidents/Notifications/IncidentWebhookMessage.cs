using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>
/// The body of an incident notice: generic JSON that tools can read field by field, plus a <c>text</c> field that Slack
/// (and Mattermost, Teams workflows, Google Chat) shows as the message as it is.
/// </summary>
public static class IncidentWebhookMessage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The event name a receiver can switch on: <c>incident.opened</c>, <c>incident.status_changed</c>, <c>incident.resolved</c>.</summary>
    public static string EventName(IncidentHappening what) => "incident." + JsonNamingPolicy.SnakeCaseLower.ConvertName(what.ToString());

    public static string Body(IncidentNotice notice, string link) => JsonSerializer.Serialize(new
    {
        @event = EventName(notice.What),
        text = Text(notice, link),
        incident = new
        {
            id = notice.IncidentId,
            number = notice.Number,
            title = notice.Title,
            severity = notice.Severity,
            status = notice.Status,
            previousStatus = notice.PreviousStatus,
            service = notice.Service,
            target = notice.Target,
            url = link,
        },
        at = notice.At,
    }, Json);

    /// <summary>One line in Slack's mrkdwn: what happened, the incident and where to open it.</summary>
    public static string Text(IncidentNotice notice, string link)
    {
        var what = notice.What switch
        {
            IncidentHappening.Opened => "opened",
            IncidentHappening.Resolved => "resolved",
            _ when notice.PreviousStatus is { } before => $"{Escape(before)} → {Escape(notice.Status)}",
            _ => $"now {Escape(notice.Status)}",
        };
        var text = new StringBuilder($"[{Escape(notice.Severity)}] Incident #{notice.Number} {what}: ");
        // A link Slack can show under the title; a relative one (no Incidents:PublicBaseUrl) would lead nowhere from a chat.
        text.Append(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? $"<{link}|{Escape(notice.Title)}>" : Escape(notice.Title));
        var where = string.Join(" on ", new[] { notice.Service, notice.Target }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => Escape(s!)));
        if (where.Length > 0)
            text.Append($" ({where})");
        return text.ToString();
    }

    /// <summary>Slack's three control characters: a title cannot turn into a link, a mention or a broadcast.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
