using System.Text.Json;
using OpsConsole.Domain.Alerts;
using OpsConsole.Web.Api;

namespace OpsConsole.Tests.Domain;

public sealed class GenericAlertParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 14, 20, 0, TimeSpan.Zero);

    private static ParsedAlerts Parse(string json) => GenericAlertParser.Parse(JsonDocument.Parse(json).RootElement, Now);

    [Fact]
    public void AFullAlert_IsReadAsGiven()
    {
        var parsed = Parse("""
            {"key":"gw-errors","name":"Payment gateway errors","status":"firing","level":"page","service":"checkout","target":"shop",
             "summary":"Gateway 502s above 2 %","startsAt":"2026-12-01T14:12:00Z","labels":{"region":"eu-west"}}
            """);

        var alert = Assert.Single(parsed.Alerts);
        Assert.Equal(("api", "gw-errors", "Payment gateway errors", AlertLevel.Page, "checkout", "shop", "Gateway 502s above 2 %"),
            (alert.Source, alert.Fingerprint, alert.Name, alert.Level, alert.Service, alert.Target, alert.Summary));
        Assert.Equal((new DateTimeOffset(2026, 12, 1, 14, 12, 0, TimeSpan.Zero), false), (alert.StartsAt, alert.Resolved));
        Assert.Equal("eu-west", alert.Labels!["region"]);
    }

    [Fact]
    public void TheLeastAlert_PagesFiringFromNow_SummarisedByItsName()
    {
        var alert = Assert.Single(Parse("""{"key":"k","name":"Queue backlog","service":"orders"}""").Alerts);

        Assert.Equal((AlertLevel.Page, false, Now, "Queue backlog", null), (alert.Level, alert.Resolved, alert.StartsAt, alert.Summary, alert.Target));
    }

    [Fact]
    public void AResolvedAlert_WithoutAnEnd_EndsNow()
    {
        var alert = Assert.Single(Parse("""{"key":"k","name":"n","service":"s","status":"resolved","level":"ticket","startsAt":"2026-12-01T14:00:00Z"}""").Alerts);

        Assert.Equal((true, Now, AlertLevel.Ticket), (alert.Resolved, alert.EndsAt, alert.Level));
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "no key", """{"name":"n","service":"s"}""", "key" },
        { "a blank name", """{"key":"k","name":"  ","service":"s"}""", "name" },
        { "no service", """{"key":"k","name":"n"}""", "service" },
        { "an unknown field", """{"key":"k","name":"n","service":"s","severity":"high"}""", "severity" },
        { "an unknown level", """{"key":"k","name":"n","service":"s","level":"critical"}""", "level" },
        { "an unknown status", """{"key":"k","name":"n","service":"s","status":"open"}""", "status" },
        { "an end while firing", """{"key":"k","name":"n","service":"s","endsAt":"2026-12-01T14:00:00Z"}""", "endsAt" },
        { "an end before the start", """{"key":"k","name":"n","service":"s","status":"resolved","startsAt":"2026-12-01T14:00:00Z","endsAt":"2026-12-01T13:00:00Z"}""", "endsAt" },
        { "a start in the future", """{"key":"k","name":"n","service":"s","startsAt":"2027-01-01T00:00:00Z"}""", "startsAt" },
        { "a number for a name", """{"key":"k","name":7,"service":"s"}""", "name" },
        { "a label that is an object", """{"key":"k","name":"n","service":"s","labels":{"a":{}}}""", "labels.a" },
        { "a control character in the key", """{"key":"k\u0007","name":"n","service":"s"}""", "key" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void ABadAlert_GivesNothing_AndNamesTheField(string what, string json, string field)
    {
        var parsed = Parse(json);

        Assert.Empty(parsed.Alerts);
        Assert.True(parsed.Errors.ContainsKey(field), $"{what}: {string.Join(", ", parsed.Errors.Keys)}");
    }
}
