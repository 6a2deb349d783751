using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// GET /api/v1/incidents/summary over real HTTP on a store seeded at known times (March and April 2025, which nothing
/// else in this console touches): the figures per month in the asked zone, the default range, and bad months refused by name.
/// </summary>
public sealed class IncidentSummaryApiTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static bool seeded;

    private static DateTimeOffset At(int month, int day, int hour = 9, int minute = 0) => new(2025, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>March 2025: two changes applied (one rolled back), two incidents; the second begins on March 31 at 23:30 UTC, April in Berlin.</summary>
    private async Task SeedAsync()
    {
        await Seeded.WaitAsync();
        try
        {
            if (seeded)
                return;
            var seeds = new StoreSeeds(fixture.ConnectionString);
            var shop = await seeds.TargetAsync("shop-summary", At(1, 1));
            await seeds.AppliedSettingAsync(shop, "deadlock_timeout", At(3, 3), rolledBackAt: At(3, 4));
            await seeds.AppliedSettingAsync(shop, "work_mem", At(3, 5));
            await seeds.IncidentAsync(At(3, 10), At(3, 10).AddSeconds(90), recoveredAt: At(3, 10).AddMinutes(40));
            await seeds.IncidentAsync(At(3, 31, 23, 30), At(3, 31, 23, 32));
            seeded = true;
        }
        finally
        {
            Seeded.Release();
        }
    }

    private static JsonElement Month(JsonElement summary, string month) =>
        summary.GetProperty("months").EnumerateArray().Single(m => m.GetProperty("month").GetString() == month);

    [Fact]
    public async Task TheSummary_GivesEachMonthsFigures_InTheAskedZone_WithMeansInSecondsAndTheRateAsAFraction()
    {
        await SeedAsync();
        using var client = await fixture.App.ApiClientAsync("summary-reader", ApiScopes.Read);

        var utc = await client.GetFromJsonAsync<JsonElement>("/api/v1/incidents/summary?from=2025-03&to=2025-04");
        var berlin = await client.GetFromJsonAsync<JsonElement>("/api/v1/incidents/summary?from=2025-03&to=2025-04&timeZone=Europe/Berlin");

        Assert.Equal(("2025-03", "2025-04", "UTC"), (utc.GetProperty("from").GetString(), utc.GetProperty("to").GetString(), utc.GetProperty("timeZone").GetString()));
        var march = Month(utc, "2025-03");
        Assert.Equal((2, 2, 1, 0.5), (march.GetProperty("incidents").GetInt32(), march.GetProperty("changesApplied").GetInt32(),
            march.GetProperty("changesFailed").GetInt32(), march.GetProperty("changeFailureRate").GetDouble()));
        Assert.Equal((105.0, 2400.0), (march.GetProperty("meanTimeToDetectSeconds").GetDouble(), march.GetProperty("meanTimeToRecoverSeconds").GetDouble()));
        var april = Month(utc, "2025-04");
        Assert.Equal((0, JsonValueKind.Null, JsonValueKind.Null), (april.GetProperty("incidents").GetInt32(),
            april.GetProperty("meanTimeToDetectSeconds").ValueKind, april.GetProperty("changeFailureRate").ValueKind));
        Assert.Equal((1, 1), (Month(berlin, "2025-03").GetProperty("incidents").GetInt32(), Month(berlin, "2025-04").GetProperty("incidents").GetInt32()));
    }

    [Fact]
    public async Task WithoutARange_TheSummaryIsTheLastSixMonths_EndingThisOne()
    {
        using var client = await fixture.App.ApiClientAsync("summary-default", ApiScopes.Read);

        var summary = await client.GetFromJsonAsync<JsonElement>("/api/v1/incidents/summary");

        var months = summary.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("month").GetString()).ToList();
        Assert.Equal(6, months.Count);
        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM"), months[^1]);
        Assert.Equal((months[0], months[^1]), (summary.GetProperty("from").GetString(), summary.GetProperty("to").GetString()));
    }

    [Theory]
    [InlineData("from=2025-13&to=2025-04", "from")]
    [InlineData("from=2025-03&to=April", "to")]
    [InlineData("from=2025-03", "to")]
    [InlineData("to=2025-03", "from")]
    [InlineData("from=2025-04&to=2025-03", "to")]
    [InlineData("from=2015-01&to=2025-03", "to")]
    [InlineData("from=2025-03&to=2025-04&timeZone=Mars/Olympus", "timeZone")]
    [InlineData("from=2025-03&to=2025-04&timeZone=/etc/passwd", "timeZone")]
    [InlineData("from=2025-03&to=2025-04&timeZone=../zoneinfo/UTC", "timeZone")]
    [InlineData("from=2025-03%00&to=2025-04", "from")]
    public async Task ABadRange_IsAProblemNamingTheField(string query, string field)
    {
        using var client = await fixture.App.ApiClientAsync("summary-bad", ApiScopes.Read);

        using var response = await client.GetAsync($"/api/v1/incidents/summary?{query}");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task TheSummary_NeedsAKey_AndIsInOpenApi()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        using var refused = await anonymous.GetAsync("/api/v1/incidents/summary");
        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var described = paths.GetProperty("/api/v1/incidents/summary").GetProperty("get");
        Assert.Equal("IncidentMonthlySummary", described.GetProperty("operationId").GetString());
        Assert.Contains("yyyy-MM", described.GetProperty("description").GetString());
        Assert.True(described.GetProperty("responses").TryGetProperty("400", out _));
    }
}
