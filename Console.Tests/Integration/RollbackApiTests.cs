using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>Rolling back over HTTP with a personal token, on a real target: 202 with the run, followed to its end.</summary>
public sealed class RollbackApiTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent Reason(string reason = "Deadlocks at peak since this change") => Json(JsonSerializer.Serialize(new { reason }));

    private async Task<HttpClient> TokenClientAsync(Actor owner, params string[] scopes) =>
        fixture.App.ApiClient((await fixture.App.Service<PersonalTokens>().CreateAsync(owner, $"bot-{Guid.NewGuid():N}"[..12], scopes)).Key);

    [Fact]
    public async Task ARollback_WithAnOnCallToken_Answers202WithTheRun_WhichEndsSucceeded_AndASecondIs409()
    {
        var before = await fixture.ShowAsync("deadlock_timeout");
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "25s");
        using var client = await TokenClientAsync(fixture.OnCall, ApiScopes.RollbacksWrite);

        using var response = await client.PostAsync($"/api/v1/changes/{change.Number}/rollback", Reason());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = run.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/rollbacks/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal(change.Number, run.GetProperty("change").GetInt32());
        Assert.StartsWith("oncall (token bot-", run.GetProperty("startedBy").GetString());

        var finished = await Poll.UntilAsync(async () => await client.GetFromJsonAsync<JsonElement>($"/api/v1/rollbacks/{id}"),
            r => r.GetProperty("status").GetString() != "running", TimeSpan.FromSeconds(60), "the rollback run to finish");
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal<string>(["authorize", "precheck", "execute", "verify", "record"],
            finished.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString() ?? "").ToArray());
        Assert.Equal(before, await fixture.ShowAsync("deadlock_timeout"));
        Assert.Equal(ChangeStatus.RolledBack, (await fixture.App.Service<ChangeRegistry>().GetByNumberAsync(change.Number))!.Status);
        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
        {
            var execute = await db.AuditEntries.SingleAsync(e => e.Subject == $"change:{change.Number}" && e.Action == "rollback.execute"
                                                                 && e.Outcome == AuditOutcome.Succeeded);
            Assert.Equal(fixture.OnCall.Id, execute.ActorId);
            Assert.StartsWith("oncall (token bot-", execute.ActorName);
        }

        using var again = await client.PostAsync($"/api/v1/changes/{change.Number}/rollback", Reason());
        var problem = await AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("already rolled back", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AViewersToken_IsRefused_TheRefusalIsAudited_AndTheChangeStaysApplied()
    {
        var change = await fixture.AppliedSettingChangeAsync("lock_timeout", "4s");
        using var client = await TokenClientAsync(fixture.Viewer, ApiScopes.RollbacksWrite);

        using var response = await client.PostAsync($"/api/v1/changes/{change.Number}/rollback", Reason());

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("roll back changes", problem.GetProperty("detail").GetString());
        Assert.Equal(ChangeStatus.Applied, (await fixture.App.Service<ChangeRegistry>().GetByNumberAsync(change.Number))!.Status);
        Assert.Equal("4s", await fixture.ShowAsync("lock_timeout"));
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var refusal = await db.AuditEntries.SingleAsync(e => e.Subject == $"change:{change.Number}" && e.Outcome == AuditOutcome.Refused);
        Assert.Equal(("change.rollback", fixture.Viewer.Id), (refusal.Action, refusal.ActorId));
        Assert.Empty(await db.RollbackRuns.Where(r => r.ChangeId == change.Id).ToListAsync());
    }

    [Fact]
    public async Task AServiceKey_IsRefused_ARollbackIsDoneAsAPerson()
    {
        using var client = await fixture.App.ApiClientAsync("svc", ApiScopes.Read, ApiScopes.ChangesWrite);

        using var response = await client.PostAsync("/api/v1/changes/1/rollback", Reason());

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("as a person", problem.GetProperty("detail").GetString());
        Assert.Contains("/account/tokens", problem.GetProperty("detail").GetString());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests() => new()
    {
        { "no reason", "{}", HttpStatusCode.BadRequest, "reason" },
        { "a blank reason", "{\"reason\":\"  \"}", HttpStatusCode.BadRequest, "reason" },
        { "a NUL in the reason", "{\"reason\":\"a\\u0000b\"}", HttpStatusCode.BadRequest, "reason" },
        { "an unknown field", "{\"reason\":\"x\",\"force\":true}", HttpStatusCode.BadRequest, "force" },
        { "a wrong type", "{\"reason\":\"x\",\"anyway\":\"yes\"}", HttpStatusCode.BadRequest, "anyway" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_IsAProblemNamingTheField_AndStartsNothing(string what, string body, HttpStatusCode status, string field)
    {
        using var client = await TokenClientAsync(fixture.Dba1, ApiScopes.RollbacksWrite);
        var runsBefore = await CountRunsAsync();

        using var response = await client.PostAsync("/api/v1/changes/1/rollback", Json(body));

        var problem = await AssertProblemAsync(response, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {problem}");
        Assert.Equal(runsBefore, await CountRunsAsync());
    }

    [Fact]
    public async Task AnUnknownChangeOrRun_Is404_AndABodyThatIsNotJson_Is415()
    {
        using var client = await TokenClientAsync(fixture.Dba1, ApiScopes.RollbacksWrite);

        using var noChange = await client.PostAsync("/api/v1/changes/999999/rollback", Reason());
        using var noRun = await client.GetAsync($"/api/v1/rollbacks/{Guid.NewGuid()}");
        using var notJson = await client.PostAsync("/api/v1/changes/1/rollback", new StringContent("reason=x", Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(noChange, HttpStatusCode.NotFound);
        await AssertProblemAsync(noRun, HttpStatusCode.NotFound);
        await AssertProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType);
    }

    private async Task<int> CountRunsAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.RollbackRuns.CountAsync();
    }
}
