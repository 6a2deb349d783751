using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Incidents;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The incidents API over real HTTP on a real store and target: a read key lists and reads incidents with their
/// suspects, timeline, impact and durations. Each test uses a service of its own, as an alert joins any open incident
/// for the same service and target.
/// </summary>
public sealed class IncidentApiTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private IncidentService Incidents => fixture.App.Service<IncidentService>();

    private Task<HttpClient> ReaderAsync() => fixture.App.ApiClientAsync("reader", ApiScopes.Read);

    [Fact]
    public async Task TheList_FiltersByServiceAndStatus_NewestFirst_WithTotalAndPaging()
    {
        var service = NewService();
        var first = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Checkout slow", IncidentSeverity.Sev3, service));
        var second = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Checkout down", IncidentSeverity.Sev1, service));
        await Incidents.SetStatusAsync(fixture.OnCall, first.Id, IncidentStatus.Identified);
        using var client = await ReaderAsync();

        var all = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?service={service}");
        var identified = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?service={service}&status=identified");
        var paged = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?service={service}&take=1&skip=1");

        Assert.Equal([second.Number, first.Number], Numbers(all));
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        var top = all.GetProperty("items")[0];
        Assert.Equal(("Checkout down", "SEV1", "investigating", "oncall"),
            (top.GetProperty("title").GetString(), top.GetProperty("severity").GetString(), top.GetProperty("status").GetString(),
                top.GetProperty("commander").GetString()));
        Assert.Equal([first.Number], Numbers(identified));
        Assert.Equal([first.Number], Numbers(paged));
        Assert.Equal(2, paged.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TheList_FiltersByOnsetTime()
    {
        var service = NewService();
        var now = DateTimeOffset.UtcNow;
        var old = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Last week", IncidentSeverity.Sev4, service, OnsetAt: now.AddDays(-7)));
        var recent = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("An hour ago", IncidentSeverity.Sev4, service, OnsetAt: now.AddHours(-1)));
        using var client = await ReaderAsync();

        var since = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?service={service}&from={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}");
        var until = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents?service={service}&to={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}");

        Assert.Equal([recent.Number], Numbers(since));
        Assert.Equal([old.Number], Numbers(until));
    }

    [Fact]
    public async Task AnIncidentOpenedByAnAlert_ReadsWithItsSuspectsAndEvidence_TimelineImpactAndDurations()
    {
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "40s", "Raise deadlock_timeout for the batch jobs");
        var number = (await fixture.App.Service<IAlertSink>().ReceiveAsync(
            new AlertSignal("rule", $"api-read-{Guid.NewGuid():N}", "Checkout failure rate", AlertLevel.Page, NewService(), "shop",
                "12 % of checkouts failed over 1 min (threshold 5 %)", DateTimeOffset.UtcNow.AddMinutes(-2)), CancellationToken.None))!.Value;
        var incident = (await fixture.App.Service<IncidentQueries>().GetByNumberAsync(number))!.Incident;
        await Incidents.AddNoteAsync(fixture.OnCall, incident.Id, "Looking at **locks** first");
        using var client = await ReaderAsync();

        var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}");

        Assert.Equal(number, read.GetProperty("number").GetInt32());
        Assert.Equal("shop", read.GetProperty("target").GetString());
        var suspect = read.GetProperty("suspects").EnumerateArray().Single(s => s.GetProperty("change").GetInt32() == change.Number);
        Assert.Equal("deadlock_timeout", suspect.GetProperty("parameter").GetString());
        Assert.NotEmpty(suspect.GetProperty("evidence").EnumerateArray());
        Assert.Contains(suspect.GetProperty("strength").GetString(), new[] { "weak", "possible", "strong" });
        var kinds = read.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal("alert_fired", kinds.First(k => k is "alert_fired" or "note"));
        Assert.Contains("suspects_found", kinds);
        Assert.Equal("note", kinds[^1]);
        Assert.Equal("Looking at **locks** first", read.GetProperty("timeline")[kinds.Count - 1].GetProperty("text").GetString());
        var ats = read.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(ats.Order(), ats);
        Assert.True(read.GetProperty("impact").TryGetProperty("failedCheckouts", out _));
        var durations = read.GetProperty("durations");
        Assert.True(durations.GetProperty("ongoing").GetBoolean());
        Assert.InRange(durations.GetProperty("timeToDetectSeconds").GetDouble(), 60, 3600);
        Assert.Equal(JsonValueKind.Null, durations.GetProperty("timeToRecoverSeconds").ValueKind);
    }

    [Fact]
    public async Task AnUnknownIncident_Is404_AndBadFilters_AreProblemsNamingTheField()
    {
        using var client = await ReaderAsync();

        using var missing = await client.GetAsync("/api/v1/incidents/999999");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound);
        foreach (var (query, field) in new[]
                 {
                     ("status=on_fire", "status"), ("status=1", "status"), ("take=0", "take"), ("take=501", "take"), ("skip=-1", "skip"),
                     ("from=yesterday", "from"), ("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to"), ("service=a%00b", "service"),
                 })
        {
            using var response = await client.GetAsync($"/api/v1/incidents?{query}");
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }
    }

    [Fact]
    public async Task ReadingNeedsAKeyWithTheReadScope()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        using var alertsOnly = await fixture.App.ApiClientAsync("alerts", ApiScopes.AlertsWrite);

        using var noKey = await anonymous.GetAsync("/api/v1/incidents");
        using var wrongScope = await alertsOnly.GetAsync("/api/v1/incidents");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
    }

    private static int[] Numbers(JsonElement list) => list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt32()).ToArray();

    private static string NewService() => $"api-{Guid.NewGuid():N}"[..20];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
