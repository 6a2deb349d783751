using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Rehearsing over HTTP with a personal token, on the staging fixture's real clusters: 202 with the rehearsal, followed and
/// cancelled (staging reverted), a second one on the same target 409, and every refusal as problem details naming the field.
/// </summary>
[Collection(StagingCollection.Name)]
public sealed class RehearsalApiTests(StagingFixture fixture)
{
    private static StringContent Body(string target, string profile) => new(JsonSerializer.Serialize(new { target, profile }), Encoding.UTF8, "application/json");

    private async Task<HttpClient> TokenClientAsync(Actor owner, params string[] scopes) =>
        fixture.App.ApiClient((await fixture.App.Service<PersonalTokens>().CreateAsync(owner, $"bot-{Guid.NewGuid():N}"[..12], scopes)).Key);

    private async Task<ConfigChange> SettingChangeAsync(string parameter, string value) =>
        await fixture.App.Service<ChangeRegistry>().RegisterSettingAsync(fixture.Dba, new SettingChangeRequest(fixture.ProductionId, parameter, value,
            new ChangeDetails($"Rehearse {parameter} = {value}", "Before the peak", null, ChangeRisk.Medium, null)));

    /// <summary>A profile of its own (unique name), at the built-in pace, short.</summary>
    private async Task<string> ShortProfileAsync(string word)
    {
        var name = $"{word} {Guid.NewGuid():N}"[..20];
        await fixture.App.Service<RehearsalProfiles>().SaveAsync(fixture.Dba, null, RehearsalProfileDefaults.Peak with
        {
            Name = name, Duration = TimeSpan.FromSeconds(10), Rounds = 1,
        });
        return name;
    }

    [Fact]
    public async Task ARehearsal_WithADbasToken_Is202_ReadAndListed_ASecondOnTheTargetIs409_AndACancelRevertsStaging()
    {
        var before = await fixture.PgSettingsAsync();
        var change = await SettingChangeAsync("work_mem", "9MB");
        var profile = await ShortProfileAsync("api");
        using var client = await TokenClientAsync(fixture.Dba, ApiScopes.RehearsalsWrite);

        using var response = await client.PostAsync($"/api/v1/changes/{change.Number}/rehearsals", Body("staging", profile.ToUpperInvariant()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = started.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/rehearsals/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal((change.Number, "staging", profile), (started.GetProperty("change").GetInt32(), started.GetProperty("target").GetString(),
            started.GetProperty("profile").GetString()));
        Assert.StartsWith("dba (token bot-", started.GetProperty("startedBy").GetString());

        var other = await SettingChangeAsync("work_mem", "10MB");
        using var second = await client.PostAsync($"/api/v1/changes/{other.Number}/rehearsals", Body("staging", profile));
        var busy = await AssertProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Contains($"A rehearsal of change #{change.Number}", busy.GetProperty("detail").GetString());

        var listed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/changes/{change.Number}/rehearsals");
        Assert.Equal(id, listed.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid());

        var running = await Poll.UntilAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/v1/rehearsals/{id}"),
            r => r.GetProperty("phase").GetString() is "baseline" or "applying" or "with_change", TimeSpan.FromSeconds(60), "the load to start");
        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.True(running.GetProperty("plannedSeconds").GetDouble() >= 20);

        using var cancel = await client.PostAsync($"/api/v1/rehearsals/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True((await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelRequested").GetBoolean());

        var ended = await Poll.UntilAsync(() => client.GetFromJsonAsync<JsonElement>($"/api/v1/rehearsals/{id}"),
            r => r.GetProperty("status").GetString() != "running", TimeSpan.FromSeconds(90), "the cancelled rehearsal to end");
        Assert.Equal("cancelled", ended.GetProperty("status").GetString());
        Assert.Equal("done", ended.GetProperty("phase").GetString());
        Assert.StartsWith("Cancelled by dba (token bot-", ended.GetProperty("reason").GetString());
        Assert.True(ended.GetProperty("revertExact").GetBoolean(), ended.GetProperty("revertOutcome").GetString());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("report").ValueKind);
        Assert.Equal(before, await fixture.PgSettingsAsync());

        using var again = await client.PostAsync($"/api/v1/rehearsals/{id}/cancel", null);
        Assert.Contains("there is nothing to cancel", (await AssertProblemAsync(again, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("prod", "Black Friday peak", "target", "is a production target")]
    [InlineData("prod-staging", "Black Friday peak", "target", "in the same PostgreSQL cluster as the production target prod")]
    [InlineData("nowhere", "Black Friday peak", "target", "There is no target named 'nowhere'")]
    [InlineData("staging", "no such profile", "profile", "No rehearsal profile is named no such profile: the profiles are")]
    [InlineData("", "Black Friday peak", "target", "Give the staging target's name")]
    public async Task ABadTargetOrProfile_IsRefused_NamingTheField_AndNothingStarts(string target, string profile, string field, string message)
    {
        var change = await SettingChangeAsync("work_mem", "11MB");
        using var client = await TokenClientAsync(fixture.Dba, ApiScopes.RehearsalsWrite);

        using var response = await client.PostAsync($"/api/v1/changes/{change.Number}/rehearsals", Body(target, profile));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/api/v1/changes/{change.Number}/rehearsals")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AnUnknownChange_Is404_AndAnUnknownRehearsal_Is404()
    {
        using var client = await TokenClientAsync(fixture.Dba, ApiScopes.RehearsalsWrite);

        using var start = await client.PostAsync("/api/v1/changes/999999/rehearsals", Body("staging", "Black Friday peak"));
        using var read = await client.GetAsync($"/api/v1/rehearsals/{Guid.NewGuid()}");
        using var list = await client.GetAsync("/api/v1/changes/999999/rehearsals");

        Assert.Contains("no change #999999", (await AssertProblemAsync(start, HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        await AssertProblemAsync(read, HttpStatusCode.NotFound);
        await AssertProblemAsync(list, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AViewersToken_IsRefused_AndTheRefusalIsAudited()
    {
        var viewerName = $"viewer-{Guid.NewGuid():N}"[..15];
        var viewer = new Actor(await fixture.App.CreateUserAsync(viewerName, StagingFixture.Password, Roles.Viewer), viewerName, [Roles.Viewer]);
        var change = await SettingChangeAsync("work_mem", "12MB");
        using var client = await TokenClientAsync(viewer, ApiScopes.RehearsalsWrite);

        using var response = await client.PostAsync($"/api/v1/changes/{change.Number}/rehearsals", Body("staging", "Black Friday peak"));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var refusal = await db.AuditEntries.SingleAsync(e => e.Subject == $"change:{change.Number}" && e.Outcome == AuditOutcome.Refused);
        Assert.Equal(("rehearsal.started", viewer.Id), (refusal.Action, refusal.ActorId));
        Assert.False(await db.Rehearsals.AnyAsync(r => r.ChangeId == change.Id));
    }

    [Fact]
    public async Task AServiceKey_CannotStartARehearsal_ButMayReadThem_AndTheEndpointsAreInOpenApi()
    {
        var change = await SettingChangeAsync("work_mem", "13MB");
        using var service = await fixture.App.ApiClientAsync("ci", ApiScopes.Read, ApiScopes.ChangesWrite);
        using var anonymous = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        using var start = await service.PostAsync($"/api/v1/changes/{change.Number}/rehearsals", Body("staging", "Black Friday peak"));
        using var list = await service.GetAsync($"/api/v1/changes/{change.Number}/rehearsals");
        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        Assert.Contains("never as a service key", (await AssertProblemAsync(start, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var post = paths.GetProperty("/api/v1/changes/{number}/rehearsals").GetProperty("post");
        Assert.Equal("RehearseChange", post.GetProperty("operationId").GetString());
        Assert.True(post.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.Equal("GetRehearsal", paths.GetProperty("/api/v1/rehearsals/{id}").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("CancelRehearsal", paths.GetProperty("/api/v1/rehearsals/{id}/cancel").GetProperty("post").GetProperty("operationId").GetString());
    }
}
