using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Tests.Domain;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The alert endpoints over HTTP with real keys, on a real store. Where alerts go after the endpoints is the incidents'
/// business: here a sink that records what it is handed, answering with an incident number, stands in for it.
/// </summary>
public sealed class AlertApiTests(AlertApiFixture fixture) : IClassFixture<AlertApiFixture>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Generic(string key, string status = "firing") =>
        JsonSerializer.Serialize(new { key, name = "Payment gateway errors", status, service = "checkout", target = "shop", summary = "Gateway 502s above 2 %" });

    [Fact]
    public async Task AnAlertmanagerBody_AsAlertmanagerSendsIt_ReachesTheSink_AndIsAuditedUnderTheKey()
    {
        using var client = await fixture.App.ApiClientAsync("alertmanager", ApiScopes.AlertsWrite);
        var body = AlertmanagerParserTests.Firing.Replace("c4a1f0f9d2b3e6a7", $"fp-{Guid.NewGuid():N}");

        using var response = await client.PostAsync("/api/v1/alerts/alertmanager", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, answer.GetProperty("received").GetInt32());
        Assert.Equal(AlertSinkRecorder.Incident, answer.GetProperty("alerts")[0].GetProperty("incident").GetInt32());
        var fingerprint = answer.GetProperty("alerts")[0].GetProperty("fingerprint").GetString()!;
        var received = Assert.Single(fixture.Sink.Received, a => a.Fingerprint == fingerprint);
        Assert.Equal(("alertmanager", "CheckoutErrorRate", AlertLevel.Page, "checkout", "shop", false),
            (received.Source, received.Name, received.Level, received.Service, received.Target, received.Resolved));
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var entries = await db.AuditEntries.Where(e => e.Action == "alert.received" && e.Subject == "alerts:alertmanager").ToListAsync();
        Assert.Single(entries, e => e.Details.Contains(fingerprint) && e.ActorName.StartsWith("alertmanager-"));
    }

    [Fact]
    public async Task AResolvedAlertmanagerBody_ReachesTheSinkResolved()
    {
        using var client = await fixture.App.ApiClientAsync("alertmanager", ApiScopes.AlertsWrite);
        var fingerprint = $"fp-{Guid.NewGuid():N}";
        var body = $$"""
            {"version":"4","status":"resolved","receiver":"opsconsole","groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093",
             "groupKey":"{}","truncatedAlerts":0,"alerts":[{"status":"resolved","labels":{"alertname":"CheckoutErrorRate","job":"checkout"},
             "annotations":{},"startsAt":"2026-12-01T14:12:03Z","endsAt":"2026-12-01T14:40:00.5Z","generatorURL":"","fingerprint":"{{fingerprint}}"}]}
            """;

        using var response = await client.PostAsync("/api/v1/alerts/alertmanager", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(fixture.Sink.Received, a => a.Fingerprint == fingerprint);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 40, 0, 500, TimeSpan.Zero), received.EndsAt);
    }

    [Fact]
    public async Task AGenericAlert_FromAnOnCallToken_ReachesTheSink()
    {
        var token = await fixture.App.Service<PersonalTokens>().CreateAsync(fixture.OnCall, $"pager-{Guid.NewGuid():N}"[..14], [ApiScopes.AlertsWrite]);
        using var client = fixture.App.ApiClient(token.Key);
        var key = $"gw-{Guid.NewGuid():N}";

        using var firing = await client.PostAsync("/api/v1/alerts", Json(Generic(key)));
        using var resolved = await client.PostAsync("/api/v1/alerts", Json(Generic(key, "resolved")));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (firing.StatusCode, resolved.StatusCode));
        Assert.Equal([false, true], fixture.Sink.Received.Where(a => a.Fingerprint == key).Select(a => a.Resolved).ToArray());
    }

    [Fact]
    public async Task AViewersToken_IsRefused_Audited_AndNothingReachesTheSink()
    {
        var token = await fixture.App.Service<PersonalTokens>().CreateAsync(fixture.Viewer, $"viewer-{Guid.NewGuid():N}"[..15], [ApiScopes.AlertsWrite]);
        using var client = fixture.App.ApiClient(token.Key);
        var key = $"viewer-{Guid.NewGuid():N}";

        using var response = await client.PostAsync("/api/v1/alerts", Json(Generic(key)));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("send alerts", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(fixture.Sink.Received, a => a.Fingerprint == key);
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "alert.receive" && e.Outcome == AuditOutcome.Refused
                                                       && e.ActorName == $"viewer (token {token.Name})"));
    }

    [Fact]
    public async Task AKeyWithoutAlertsWrite_Is403_AndNoKeyIs401()
    {
        using var reader = await fixture.App.ApiClientAsync("reader", ApiScopes.Read);
        using var nobody = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        using var forbidden = await reader.PostAsync("/api/v1/alerts", Json(Generic("k")));
        using var unauthorized = await nobody.PostAsync("/api/v1/alerts/alertmanager", Json(AlertmanagerParserTests.Firing));

        Assert.Contains("alerts:write", (await AssertProblemAsync(forbidden, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        await AssertProblemAsync(unauthorized, HttpStatusCode.Unauthorized);
    }

    public static TheoryData<string, string, string, string> BadBodies() => new()
    {
        { "an Alertmanager alert without alertname", "/api/v1/alerts/alertmanager",
            AlertmanagerParserTests.Firing.Replace("\"alertname\": \"SlowQueries\", ", ""), "alerts[1].labels.alertname" },
        { "a generic alert with an unknown field", "/api/v1/alerts", """{"key":"k","name":"n","service":"s","severity":"high"}""", "severity" },
        { "a generic alert without a service", "/api/v1/alerts", """{"key":"k","name":"n"}""", "service" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ABadBody_IsAProblemNamingThePlace_AndNothingReachesTheSink(string what, string path, string body, string place)
    {
        using var client = await fixture.App.ApiClientAsync("alertmanager", ApiScopes.AlertsWrite);
        var before = fixture.Sink.Received.Count;

        using var response = await client.PostAsync(path, Json(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(place, out _), $"{what}: {problem}");
        Assert.Equal(before, fixture.Sink.Received.Count);
    }

    [Fact]
    public async Task TheAlertAndRollbackEndpoints_AreInOpenApi_WithTheirBodies()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        var paths = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        foreach (var (path, method, operation) in new[]
                 {
                     ("/api/v1/alerts/alertmanager", "post", "ReceiveAlertmanagerWebhook"), ("/api/v1/alerts", "post", "ReceiveAlert"),
                     ("/api/v1/changes/{number}/rollback", "post", "RollBackChange"), ("/api/v1/rollbacks/{id}", "get", "GetRollbackRun"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from {paths}");
            var described = item.GetProperty(method);
            Assert.Equal(operation, described.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(described.GetProperty("summary").GetString()));
            if (method == "post")
                Assert.True(described.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _), path);
        }
    }

    [Fact]
    public async Task NotJson_Is415_AndABodyOverTheCap_Is413()
    {
        using var client = await fixture.App.ApiClientAsync("alertmanager", ApiScopes.AlertsWrite);

        using var text = await client.PostAsync("/api/v1/alerts", new StringContent("alert!", Encoding.UTF8, "text/plain"));
        using var huge = await client.PostAsync("/api/v1/alerts", Json($$"""{"key":"k","name":"n","service":"s","summary":"{{new string('x', 70_000)}}"}"""));

        await AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge);
    }
}

/// <summary>Records every alert handed over and answers with one incident number, in place of the incidents' sink.</summary>
public sealed class AlertSinkRecorder : IAlertSink
{
    public const int Incident = 42;
    private readonly ConcurrentQueue<AlertSignal> received = new();

    public IReadOnlyList<AlertSignal> Received => [.. received];

    public Task<int?> ReceiveAsync(AlertSignal alert, CancellationToken ct)
    {
        received.Enqueue(alert);
        return Task.FromResult<int?>(Incident);
    }
}

public sealed class AlertApiFixture(PostgresClusterFixture postgres) : IAsyncLifetime
{
    public AlertSinkRecorder Sink { get; } = new();
    public ConsoleApp App { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public Actor OnCall { get; private set; } = null!;
    public Actor Viewer { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await postgres.CreateStoreAsync("alertapi");
        App = new ConsoleApp(ConnectionString, services: s => s.AddSingleton<IAlertSink>(Sink));
        OnCall = new Actor(await App.CreateUserAsync("oncall", ConsoleWithTargetFixture.Password, Roles.OnCall), "oncall", [Roles.OnCall]);
        Viewer = new Actor(await App.CreateUserAsync("viewer", ConsoleWithTargetFixture.Password, Roles.Viewer), "viewer", [Roles.Viewer]);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
