using System.Text.Json;
using OpsConsole.Domain.Alerts;
using OpsConsole.Web.Api;

namespace OpsConsole.Tests.Domain;

public sealed class AlertmanagerParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 14, 20, 0, TimeSpan.Zero);

    /// <summary>A body as Alertmanager 0.27 sends it to a webhook receiver: Go's nanosecond times, the zero endsAt while firing.</summary>
    public const string Firing = """
        {
          "receiver": "opsconsole",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": { "alertname": "CheckoutErrorRate", "job": "checkout", "severity": "critical", "target": "shop", "instance": "checkout-1:9100" },
              "annotations": { "summary": "Checkout failures above 5 % for 2 minutes", "runbook_url": "https://runbooks.example.com/checkout" },
              "startsAt": "2026-12-01T14:12:03.123456789Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus:9090/graph?g0.expr=rate%28checkout_failures%5B1m%5D%29",
              "fingerprint": "c4a1f0f9d2b3e6a7"
            },
            {
              "status": "firing",
              "labels": { "alertname": "SlowQueries", "service": "orders", "severity": "warning" },
              "annotations": { "description": "p95 above 800 ms" },
              "startsAt": "2026-12-01T14:10:00+01:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus:9090/graph",
              "fingerprint": "0011223344556677"
            }
          ],
          "groupLabels": { "alertname": "CheckoutErrorRate" },
          "commonLabels": { "job": "checkout" },
          "commonAnnotations": {},
          "externalURL": "http://alertmanager:9093",
          "version": "4",
          "groupKey": "{}:{alertname=\"CheckoutErrorRate\"}",
          "truncatedAlerts": 0
        }
        """;

    private static ParsedAlerts Parse(string json) => AlertmanagerParser.Parse(JsonDocument.Parse(json).RootElement, Now);

    [Fact]
    public void AFiringBody_GivesOneSignalPerAlert_WithLabelsMappedToTheConsole()
    {
        var parsed = Parse(Firing);

        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.SelectMany(e => e.Value)));
        var (checkout, orders) = (parsed.Alerts[0], parsed.Alerts[1]);
        Assert.Equal(("alertmanager", "c4a1f0f9d2b3e6a7", "CheckoutErrorRate", AlertLevel.Page, "checkout", "shop"),
            (checkout.Source, checkout.Fingerprint, checkout.Name, checkout.Level, checkout.Service, checkout.Target));
        Assert.Equal("Checkout failures above 5 % for 2 minutes", checkout.Summary);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 12, 3, TimeSpan.Zero).AddTicks(1234567), checkout.StartsAt);
        Assert.False(checkout.Resolved);
        Assert.Equal("checkout-1:9100", checkout.Labels!["instance"]);
        Assert.Equal((AlertLevel.Ticket, "orders", null, "p95 above 800 ms"), (orders.Level, orders.Service, orders.Target, orders.Summary));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 13, 10, 0, TimeSpan.Zero), orders.StartsAt);
    }

    [Fact]
    public void AResolvedAlert_EndsWhenAlertmanagerSays()
    {
        var parsed = Parse(Firing.Replace("\"status\": \"firing\",\n      \"labels\": { \"alertname\": \"CheckoutErrorRate\"",
            "\"status\": \"resolved\",\n      \"labels\": { \"alertname\": \"CheckoutErrorRate\"").Replace(
            "\"endsAt\": \"0001-01-01T00:00:00Z\",\n      \"generatorURL\": \"http://prometheus:9090/graph?", "\"endsAt\": \"2026-12-01T14:31:00Z\",\n      \"generatorURL\": \"http://prometheus:9090/graph?"));

        Assert.True(parsed.IsValid);
        Assert.True(parsed.Alerts[0].Resolved);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 31, 0, TimeSpan.Zero), parsed.Alerts[0].EndsAt);
        Assert.False(parsed.Alerts[1].Resolved);
    }

    [Fact]
    public void AResolvedAlertWithTheZeroEnd_EndsNow()
    {
        var parsed = Parse(Firing.Replace("\"status\": \"firing\",\n      \"labels\": { \"alertname\": \"SlowQueries\"",
            "\"status\": \"resolved\",\n      \"labels\": { \"alertname\": \"SlowQueries\""));

        Assert.Equal(Now, parsed.Alerts[1].EndsAt);
    }

    [Fact]
    public void WithoutASeverity_AnAlertPages_AndWithoutServiceOrJob_ItsNameIsTheService()
    {
        var parsed = Parse("""{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"DiskFull"},"annotations":{},"startsAt":"2026-12-01T14:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"ab"}]}""");

        Assert.Equal((AlertLevel.Page, "DiskFull", "DiskFull"), (parsed.Alerts[0].Level, parsed.Alerts[0].Service, parsed.Alerts[0].Summary));
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "no alerts", """{"version":"4"}""", "alerts" },
        { "another version", Firing.Replace("\"version\": \"4\"", "\"version\": \"3\""), "version" },
        { "no alertname", Firing.Replace("\"alertname\": \"SlowQueries\", ", ""), "alerts[1].labels.alertname" },
        { "a bad start", Firing.Replace("2026-12-01T14:10:00+01:00", "yesterday"), "alerts[1].startsAt" },
        { "a start without offset", Firing.Replace("2026-12-01T14:10:00+01:00", "2026-12-01T14:10:00"), "alerts[1].startsAt" },
        { "no fingerprint", Firing.Replace("\"fingerprint\": \"0011223344556677\"", "\"fingerprint\": null"), "alerts[1].fingerprint" },
        { "an unknown status", Firing.Replace("\"status\": \"firing\",\n      \"labels\": { \"alertname\": \"SlowQueries\"", "\"status\": \"pending\",\n      \"labels\": { \"alertname\": \"SlowQueries\""), "alerts[1].status" },
        { "a label that is not a string", Firing.Replace("\"severity\": \"warning\"", "\"severity\": 3"), "alerts[1].labels.severity" },
        { "a NUL in an annotation", Firing.Replace("p95 above 800 ms", "p95\\u0000"), "alerts[1].annotations.description" },
        { "an alert that is not an object", """{"alerts":[42]}""", "alerts[0]" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void ABadBody_GivesNoAlerts_AndNamesThePlace(string what, string json, string place)
    {
        var parsed = Parse(json);

        Assert.False(parsed.IsValid, what);
        Assert.Empty(parsed.Alerts);
        Assert.True(parsed.Errors.ContainsKey(place), $"{what}: {string.Join(", ", parsed.Errors.Keys)}");
    }

    [Fact]
    public void MoreThanTheMostAlerts_IsRefused()
    {
        var one = """{"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-12-01T14:00:00Z","fingerprint":"f"}""";
        var parsed = Parse($$"""{"alerts":[{{string.Join(",", Enumerable.Repeat(one, AlertmanagerParser.MaxAlerts + 1))}}]}""");

        Assert.Contains("max_alerts", parsed.Errors["alerts"][0]);
    }
}
