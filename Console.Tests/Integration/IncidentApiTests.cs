using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Incidents;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The incidents API over real HTTP on a real store and target: a read key lists and reads incidents with their
/// suspects, timeline, impact and durations; a personal token opens one, writes a note and rolls a suspect back, as its
/// owner, audited; a Viewer's token and a service key are refused; bad input stores nothing. Each test uses a service of its own, as an alert joins any open incident
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

    [Fact]
    public async Task AnOnCallToken_OpensAnIncident_AsItsOwner_WhoCommandsIt_AndTheOpeningIsAudited()
    {
        var service = NewService();
        using var client = await TokenClientAsync(fixture.OnCall, ApiScopes.IncidentsWrite);

        using var response = await client.PostAsync("/api/v1/incidents", Json(JsonSerializer.Serialize(new
        {
            title = "Checkout failing at peak", severity = "sev2", service, targetName = "shop", summary = "Deadlocks in the **orders** table",
        })));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var opened = await response.Content.ReadFromJsonAsync<JsonElement>();
        var number = opened.GetProperty("number").GetInt32();
        Assert.Equal($"/api/v1/incidents/{number}", response.Headers.Location!.OriginalString);
        Assert.Equal(("SEV2", "investigating", "shop", "manual"), (opened.GetProperty("severity").GetString(), opened.GetProperty("status").GetString(),
            opened.GetProperty("target").GetString(), opened.GetProperty("source").GetString()));
        Assert.StartsWith("oncall", opened.GetProperty("commander").GetString());
        Assert.Contains("Deadlocks in the **orders** table", opened.GetProperty("timeline")[0].GetProperty("text").GetString());
        var stored = (await fixture.App.Service<IncidentQueries>().GetByNumberAsync(number))!.Incident;
        Assert.Equal((service, fixture.OnCall.Id, (Guid?)fixture.TargetId), (stored.Service, stored.CommanderId, stored.TargetId));
        var audit = Assert.Single(await AuditAsync(IncidentService.Subject(number)), e => e.Action == "incident.opened");
        Assert.Equal((fixture.OnCall.Id, AuditOutcome.Succeeded), (audit.ActorId, audit.Outcome));
        Assert.StartsWith("oncall (token api-", audit.ActorName);
    }

    [Fact]
    public async Task ANote_ThroughTheApi_IsOnTheTimelineAsWritten_AndAudited()
    {
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Slow checkout", IncidentSeverity.Sev3, NewService()));
        using var client = await TokenClientAsync(fixture.Dba1, ApiScopes.IncidentsWrite);
        const string markdown = "Raised `deadlock_timeout` this morning:\n\n- check #12\n- <script>alert(1)</script> stays raw, rendered safely";

        using var response = await client.PostAsync($"/api/v1/incidents/{incident.Number}/notes", Json(JsonSerializer.Serialize(new { markdown })));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var note = (await fixture.App.Service<IncidentQueries>().GetByNumberAsync(incident.Number))!.Timeline.Single(e => e.Id == id);
        Assert.Equal((TimelineKind.Note, markdown, fixture.Dba1.Id), (note.Kind, note.Text, note.ActorId));
        Assert.Contains(await AuditAsync(IncidentService.Subject(incident.Number)),
            e => e.Action == "incident.note_added" && e.ActorId == fixture.Dba1.Id && e.Outcome == AuditOutcome.Succeeded);
    }

    [Fact]
    public async Task AViewersToken_IsRefused_403_TheRefusalIsAudited_AndNothingIsStored()
    {
        var service = NewService();
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Slow checkout", IncidentSeverity.Sev3, service));
        using var client = await TokenClientAsync(fixture.Viewer, ApiScopes.IncidentsWrite);

        using var open = await client.PostAsync("/api/v1/incidents", Json(JsonSerializer.Serialize(new { title = "Mine", severity = "SEV4", service })));
        using var note = await client.PostAsync($"/api/v1/incidents/{incident.Number}/notes", Json("{\"markdown\":\"a viewer's note\"}"));

        Assert.Contains("manage incidents", (await AssertProblemAsync(open, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        await AssertProblemAsync(note, HttpStatusCode.Forbidden);
        Assert.Equal([incident.Number], await NumbersOfServiceAsync(service));
        Assert.DoesNotContain((await fixture.App.Service<IncidentQueries>().GetByNumberAsync(incident.Number))!.Timeline, e => e.Kind == TimelineKind.Note);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var refusals = await db.AuditEntries.Where(e => e.ActorId == fixture.Viewer.Id && e.Outcome == AuditOutcome.Refused).ToListAsync();
        Assert.Contains(refusals, e => e.Action == "incident.opened");
        Assert.Contains(refusals, e => e.Action == "incident.note_added" && e.Subject == IncidentService.Subject(incident.Number));
    }

    [Fact]
    public async Task AServiceKey_IsRefused_IncidentsAreRunAsAPerson()
    {
        using var client = await fixture.App.ApiClientAsync("svc", ApiScopes.Read, ApiScopes.AlertsWrite, ApiScopes.ChangesWrite);

        using var open = await client.PostAsync("/api/v1/incidents", Json("{\"title\":\"x\",\"severity\":\"SEV1\",\"service\":\"x\"}"));
        using var note = await client.PostAsync("/api/v1/incidents/1/notes", Json("{\"markdown\":\"x\"}"));
        using var rollback = await client.PostAsync("/api/v1/incidents/1/suspects/1/rollback", Json("{\"reason\":\"x\"}"));

        foreach (var response in new[] { open, note, rollback })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Contains("as a person", problem.GetProperty("detail").GetString());
        }
    }

    public static TheoryData<string, string, string> BadIncidents() => new()
    {
        { "not JSON at all", "{\"title\": ", "" },
        { "an unknown severity", "{\"title\":\"t\",\"severity\":\"SEV5\",\"service\":\"S\"}", "severity" },
        { "no severity", "{\"title\":\"t\",\"service\":\"S\"}", "severity" },
        { "no title", "{\"severity\":\"SEV2\",\"service\":\"S\"}", "title" },
        { "a blank service", "{\"title\":\"t\",\"severity\":\"SEV2\",\"service\":\" \"}", "service" },
        { "an unknown target", "{\"title\":\"t\",\"severity\":\"SEV2\",\"service\":\"S\",\"targetName\":\"nowhere\"}", "targetName" },
        { "an unknown field", "{\"title\":\"t\",\"severity\":\"SEV2\",\"service\":\"S\",\"priority\":1}", "priority" },
        { "a NUL in the title", "{\"title\":\"a\\u0000b\",\"severity\":\"SEV2\",\"service\":\"S\"}", "title" },
        { "a title too long", "{\"title\":\"" + new string('t', 201) + "\",\"severity\":\"SEV2\",\"service\":\"S\"}", "title" },
        { "an onset in the future", "{\"title\":\"t\",\"severity\":\"SEV2\",\"service\":\"S\",\"onsetAt\":\"2999-01-01T00:00:00Z\"}", "onsetAt" },
    };

    [Theory]
    [MemberData(nameof(BadIncidents))]
    public async Task ABadIncident_IsAProblemNamingTheField_AndOpensNothing(string what, string body, string field)
    {
        var service = NewService();
        using var client = await TokenClientAsync(fixture.OnCall, ApiScopes.IncidentsWrite);

        using var response = await client.PostAsync("/api/v1/incidents", Json(body.Replace("\"S\"", $"\"{service}\"")));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        if (field != "")
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {problem}");
        Assert.Empty(await NumbersOfServiceAsync(service));
    }

    [Fact]
    public async Task ABadNote_IsAProblemNamingTheField_AndStoresNothing()
    {
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Slow checkout", IncidentSeverity.Sev3, NewService()));
        using var client = await TokenClientAsync(fixture.OnCall, ApiScopes.IncidentsWrite);
        var path = $"/api/v1/incidents/{incident.Number}/notes";

        foreach (var (body, field) in new[]
                 {
                     (JsonSerializer.Serialize(new { markdown = new string('x', Incident.MaxNoteLength + 1) }), "markdown"),
                     ("{\"markdown\":\"  \"}", "markdown"), ("{}", "markdown"), ("{\"markdown\":\"a\\u0000b\"}", "markdown"),
                     ("{\"markdown\":\"x\",\"pinned\":true}", "pinned"), ("{\"markdown\":42}", "markdown"),
                 })
        {
            using var response = await client.PostAsync(path, Json(body));
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{body[..Math.Min(40, body.Length)]}: {problem}");
        }
        using var noIncident = await client.PostAsync("/api/v1/incidents/999999/notes", Json("{\"markdown\":\"x\"}"));
        await AssertProblemAsync(noIncident, HttpStatusCode.NotFound);
        Assert.DoesNotContain((await fixture.App.Service<IncidentQueries>().GetByNumberAsync(incident.Number))!.Timeline, e => e.Kind == TimelineKind.Note);
    }

    [Fact]
    public async Task ASuspectRolledBackThroughTheApi_MovesTheIncidentToMonitoring_WithTheRollbackOnItsTimeline()
    {
        var before = await fixture.ShowAsync("deadlock_timeout");
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "35s", "Raise deadlock_timeout for the nightly batch");
        var number = await PageAsync(NewService());
        using var client = await TokenClientAsync(fixture.OnCall, ApiScopes.RollbacksWrite, ApiScopes.IncidentsWrite);
        var path = $"/api/v1/incidents/{number}/suspects/{change.Number}/rollback";

        using var response = await client.PostAsync(path, Json("{\"reason\":\"Deadlocks at peak since this change\"}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(outcome.GetProperty("succeeded").GetBoolean(), outcome.ToString());
        Assert.Equal("monitoring", outcome.GetProperty("incidentStatus").GetString());
        var run = outcome.GetProperty("run").GetGuid();
        Assert.Equal("succeeded", (await client.GetFromJsonAsync<JsonElement>($"/api/v1/rollbacks/{run}")).GetProperty("status").GetString());
        Assert.Equal(before, await fixture.ShowAsync("deadlock_timeout"));
        Assert.Equal(ChangeStatus.RolledBack, (await fixture.App.Service<ChangeRegistry>().GetAsync(change.Id))!.Status);

        using var reader = await ReaderAsync();
        var incident = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}");
        Assert.Equal(("monitoring", change.Number), (incident.GetProperty("status").GetString(), incident.GetProperty("causeChange").GetInt32()));
        var tail = incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString())
            .SkipWhile(k => k != "rollback_started").Where(k => k is "rollback_started" or "rollback_finished" or "status_changed").ToList();
        Assert.Equal(["rollback_started", "rollback_finished", "status_changed"], tail);
        var finished = incident.GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "rollback_finished");
        Assert.Equal((run, change.Number), (finished.GetProperty("rollbackRun").GetGuid(), finished.GetProperty("change").GetInt32()));
        Assert.True(incident.GetProperty("durations").GetProperty("timeToIdentifySeconds").GetDouble() >= 0);
        Assert.StartsWith("oncall (token api-", finished.GetProperty("actor").GetString());

        // Again: the procedure refuses (409), and the timeline says so.
        using var again = await client.PostAsync(path, Json("{\"reason\":\"again\"}"));
        Assert.Contains("already rolled back", (await AssertProblemAsync(again, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ARollbackFromAnIncident_NeedsBothScopes_AndAKnownSuspect_AndAReason()
    {
        var change = await fixture.AppliedSettingChangeAsync("lock_timeout", "7s", "Shorter lock waits");
        var number = await PageAsync(NewService());
        var path = $"/api/v1/incidents/{number}/suspects/{change.Number}/rollback";
        using var rollbacksOnly = await TokenClientAsync(fixture.OnCall, ApiScopes.RollbacksWrite);
        using var viewer = await TokenClientAsync(fixture.Viewer, ApiScopes.RollbacksWrite, ApiScopes.IncidentsWrite);
        using var both = await TokenClientAsync(fixture.OnCall, ApiScopes.RollbacksWrite, ApiScopes.IncidentsWrite);

        using var narrowed = await rollbacksOnly.PostAsync(path, Json("{\"reason\":\"x\"}"));
        using var refused = await viewer.PostAsync(path, Json("{\"reason\":\"x\"}"));
        using var noReason = await both.PostAsync(path, Json("{\"reason\":\" \"}"));
        using var notSuspect = await both.PostAsync($"/api/v1/incidents/{number}/suspects/999999/rollback", Json("{\"reason\":\"x\"}"));

        await AssertProblemAsync(narrowed, HttpStatusCode.Forbidden);
        await AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.True((await AssertProblemAsync(noReason, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("reason", out _));
        await AssertProblemAsync(notSuspect, HttpStatusCode.NotFound);
        Assert.Equal("7s", await fixture.ShowAsync("lock_timeout"));
        Assert.Equal(ChangeStatus.Applied, (await fixture.App.Service<ChangeRegistry>().GetAsync(change.Id))!.Status);
        var detail = (await fixture.App.Service<IncidentQueries>().GetByNumberAsync(number))!;
        Assert.Equal(IncidentStatus.Investigating, detail.Incident.Status);
        Assert.DoesNotContain(detail.Timeline, e => e.Kind == TimelineKind.RollbackStarted);
        Assert.Contains(await AuditAsync(IncidentService.Subject(number)),
            e => e.Action == "incident.rollback_started" && e.ActorId == fixture.Viewer.Id && e.Outcome == AuditOutcome.Refused);
    }

    [Fact]
    public async Task TheIncidentEndpoints_AreInOpenApi_WithSummariesAndBodies()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        var paths = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        foreach (var (path, method, operation) in new[]
                 {
                     ("/api/v1/incidents", "get", "ListIncidents"), ("/api/v1/incidents/{number}", "get", "GetIncident"),
                     ("/api/v1/incidents", "post", "OpenIncident"), ("/api/v1/incidents/{number}/notes", "post", "AddIncidentNote"),
                     ("/api/v1/incidents/{number}/suspects/{changeNumber}/rollback", "post", "RollBackIncidentSuspect"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from {paths}");
            var described = item.GetProperty(method);
            Assert.Equal(operation, described.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(described.GetProperty("summary").GetString()));
            Assert.True(described.GetProperty("responses").TryGetProperty("403", out _), $"{method} {path}");
            if (method == "post")
                Assert.True(described.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _), path);
        }
    }

    private async Task<int> PageAsync(string service) =>
        (await fixture.App.Service<IAlertSink>().ReceiveAsync(new AlertSignal("rule", $"api-{Guid.NewGuid():N}", "Checkout failure rate", AlertLevel.Page,
            service, "shop", "12 % of checkouts failed over 1 min (threshold 5 %)", DateTimeOffset.UtcNow.AddMinutes(-2)), CancellationToken.None))!.Value;

    private async Task<HttpClient> TokenClientAsync(Actor owner, params string[] scopes) =>
        fixture.App.ApiClient((await fixture.App.Service<PersonalTokens>().CreateAsync(owner, $"api-{Guid.NewGuid():N}"[..12], scopes)).Key);

    private async Task<List<int>> NumbersOfServiceAsync(string service)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Incidents.Where(i => i.Service == service).Select(i => i.Number).ToListAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(string subject)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == subject).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static int[] Numbers(JsonElement list) => list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt32()).ToArray();

    private static string NewService() => $"api-{Guid.NewGuid():N}"[..20];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
