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

/// <summary>
/// Submit, approve, reject and apply over HTTP with personal tokens, on a real target: the person behind the token acts,
/// with the roles they hold now; the domain's rules (two-person, status) refuse, audit and change nothing.
/// </summary>
public sealed class ChangeLifecycleApiTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private const string Path = "/api/v1/changes";

    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent Comment(string comment) => Json(JsonSerializer.Serialize(new { comment }));

    private async Task<HttpClient> TokenClientAsync(Actor owner, params string[] scopes) =>
        fixture.App.ApiClient((await fixture.App.Service<PersonalTokens>().CreateAsync(owner, $"bot-{Guid.NewGuid():N}"[..12], scopes)).Key);

    /// <summary>A setting change by dba1, put up for review (or left a draft).</summary>
    private async Task<ConfigChange> ChangeAsync(string parameter = "work_mem", string value = "8MB", bool submit = true,
        ChangeRisk risk = ChangeRisk.Medium) =>
        await Registry.RegisterSettingAsync(fixture.Dba1, new SettingChangeRequest(fixture.TargetId, parameter, value,
            new ChangeDetails($"Set {parameter} {Guid.NewGuid():N}"[..40], "Fewer temp files at peak", null, risk, null), submit));

    private async Task<List<AuditEntry>> AuditAsync(int number)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.AsNoTracking().Where(e => e.Subject == $"change:{number}").OrderBy(e => e.Sequence).ToListAsync();
    }

    private async Task<ConfigChange> ReadAsync(int number) => (await Registry.GetByNumberAsync(number))!;

    [Fact]
    public async Task ThePipelinePath_RegisterSubmitApproveApply_TakesEffectOnTheTarget_AndIsAuditedUnderThePersons()
    {
        using var pipeline = await TokenClientAsync(fixture.Dba1, ApiScopes.ChangesWrite, ApiScopes.ChangesApply);
        using var reviewer = await TokenClientAsync(fixture.Dba2, ApiScopes.ChangesReview);
        var before = await fixture.ShowAsync("lock_timeout");

        using var registered = await pipeline.PostAsync(Path, Json("""
            {"kind":"setting","targetName":"shop","title":"Fail fast on locks","reason":"Checkouts queue behind long locks",
             "risk":"medium","parameter":"lock_timeout","value":"3s"}
            """));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var number = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();

        using var submitted = await pipeline.PostAsync($"{Path}/{number}/submit", null);
        var afterSubmit = await OkAsync(submitted);
        Assert.Equal("in_review", afterSubmit.GetProperty("status").GetString());
        Assert.Equal(before, await fixture.ShowAsync("lock_timeout"));

        using var approved = await reviewer.PostAsync($"{Path}/{number}/approve", Comment("Looks right for peak"));
        var afterApprove = await OkAsync(approved);
        Assert.Equal(("approved", 1, 1), (afterApprove.GetProperty("status").GetString(), afterApprove.GetProperty("approvals").GetInt32(),
            afterApprove.GetProperty("requiredApprovals").GetInt32()));

        using var applied = await pipeline.PostAsync($"{Path}/{number}/apply", Json("{}"));
        var afterApply = await OkAsync(applied);
        Assert.Equal("applied", afterApply.GetProperty("status").GetString());
        Assert.StartsWith("dba1 (token bot-", afterApply.GetProperty("appliedBy").GetString());
        Assert.Equal("3s", await fixture.ShowAsync("lock_timeout"));

        var change = await ReadAsync(number);
        var review = Assert.Single(change.Reviews);
        Assert.Equal((fixture.Dba2.Id, ReviewVerdict.Approved, "Looks right for peak"), (review.ReviewerId, review.Verdict, review.Comment));
        var audit = await AuditAsync(number);
        foreach (var (action, person, outcome) in new[]
                 {
                     ("change.submitted", fixture.Dba1, AuditOutcome.Succeeded), ("change.approved", fixture.Dba2, AuditOutcome.Succeeded),
                     ("change.apply.intent", fixture.Dba1, AuditOutcome.Intended), ("change.applied", fixture.Dba1, AuditOutcome.Succeeded),
                 })
        {
            var entry = Assert.Single(audit, e => e.Action == action);
            Assert.Equal((person.Id, outcome), (entry.ActorId, entry.Outcome));
            Assert.StartsWith($"{person.Name} (token bot-", entry.ActorName);
        }
        Assert.True(audit.Single(e => e.Action == "change.apply.intent").Sequence < audit.Single(e => e.Action == "change.applied").Sequence);
    }

    [Fact]
    public async Task Approve_ByTheAuthorsToken_IsRefused_NothingChanges_AndTheRefusalIsAudited()
    {
        var change = await ChangeAsync();
        using var author = await TokenClientAsync(fixture.Dba1, ApiScopes.ChangesReview);

        using var response = await author.PostAsync($"{Path}/{change.Number}/approve", Comment("Mine is fine"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("author of a change cannot approve it", problem.GetProperty("detail").GetString());
        var after = await ReadAsync(change.Number);
        Assert.Equal(ChangeStatus.InReview, after.Status);
        Assert.Empty(after.Reviews);
        var refusal = Assert.Single(await AuditAsync(change.Number), e => e.Outcome == AuditOutcome.Refused);
        Assert.Equal(("change.approved", fixture.Dba1.Id), (refusal.Action, refusal.ActorId));
    }

    [Fact]
    public async Task Approve_ByAViewersToken_IsRefused_AndTheRefusalIsAudited()
    {
        var change = await ChangeAsync();
        using var viewer = await TokenClientAsync(fixture.Viewer, ApiScopes.ChangesReview);

        using var response = await viewer.PostAsync($"{Path}/{change.Number}/approve", null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("review changes", problem.GetProperty("detail").GetString());
        Assert.Equal(ChangeStatus.InReview, (await ReadAsync(change.Number)).Status);
        var refusal = Assert.Single(await AuditAsync(change.Number), e => e.Outcome == AuditOutcome.Refused);
        Assert.Equal(("change.approved", fixture.Viewer.Id), (refusal.Action, refusal.ActorId));
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("approve")]
    [InlineData("reject")]
    [InlineData("apply")]
    public async Task AServiceKey_IsRefused_ThePersonalTokenIsNamed_AndNothingChanges(string action)
    {
        var change = await ChangeAsync(submit: action != "submit");
        using var service = await fixture.App.ApiClientAsync("svc", ApiScopes.Read, ApiScopes.ChangesWrite);

        using var response = await service.PostAsync($"{Path}/{change.Number}/{action}", Comment("From the pipeline"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("personal token", problem.GetProperty("detail").GetString());
        Assert.Contains("/account/tokens", problem.GetProperty("detail").GetString());
        Assert.Equal(change.Status, (await ReadAsync(change.Number)).Status);
    }

    [Fact]
    public async Task AServiceKey_MayNotHoldTheReviewOrApplyScope()
    {
        var keys = fixture.App.Service<ApiKeyService>();
        foreach (var scope in new[] { ApiScopes.ChangesReview, ApiScopes.ChangesApply })
            Assert.Equal("Scopes", (await Assert.ThrowsAsync<OpsConsole.Domain.DomainRuleException>(() =>
                keys.CreateAsync(Actor.System, $"svc-{Guid.NewGuid():N}", [scope]))).Field);
    }

    [Fact]
    public async Task Reject_WithAComment_EndsTheReview_ButWithoutOne_Is400NamingComment()
    {
        var change = await ChangeAsync();
        using var reviewer = await TokenClientAsync(fixture.Dba2, ApiScopes.ChangesReview);

        using var bare = await reviewer.PostAsync($"{Path}/{change.Number}/reject", Json("{}"));
        var problem = await AssertProblemAsync(bare, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("comment", out _), problem.ToString());
        Assert.Equal(ChangeStatus.InReview, (await ReadAsync(change.Number)).Status);

        using var rejected = await reviewer.PostAsync($"{Path}/{change.Number}/reject", Comment("Not before the sale"));
        Assert.Equal("rejected", (await OkAsync(rejected)).GetProperty("status").GetString());
        Assert.Equal("Not before the sale", Assert.Single((await ReadAsync(change.Number)).Reviews).Comment);
    }

    public static TheoryData<string, string, string, HttpStatusCode, string?> BadBodies() => new()
    {
        { "approve", "malformed JSON", "{\"comment\": \"ok\"", HttpStatusCode.BadRequest, null },
        { "approve", "an unknown field", "{\"comment\":\"ok\",\"force\":true}", HttpStatusCode.BadRequest, "force" },
        { "approve", "a wrong type", "{\"comment\":5}", HttpStatusCode.BadRequest, "comment" },
        { "approve", "a NUL in the comment", "{\"comment\":\"a\\u0000b\"}", HttpStatusCode.BadRequest, "comment" },
        { "approve", "an oversized body", "{\"comment\":\"" + new string('x', 70_000) + "\"}", HttpStatusCode.RequestEntityTooLarge, null },
        { "reject", "a blank comment", "{\"comment\":\"   \"}", HttpStatusCode.BadRequest, "comment" },
        { "reject", "an array", "[]", HttpStatusCode.BadRequest, null },
        { "apply", "an unknown field", "{\"dryRun\":true}", HttpStatusCode.BadRequest, "dryRun" },
        { "submit", "an unknown field", "{\"reviewers\":[\"dba2\"]}", HttpStatusCode.BadRequest, "reviewers" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInput_IsAProblem_AndChangesNothing(string action, string what, string body, HttpStatusCode status, string? field)
    {
        var change = await ChangeAsync(submit: action != "submit");
        using var client = await TokenClientAsync(action == "submit" ? fixture.Dba1 : fixture.Dba2,
            ApiScopes.ChangesWrite, ApiScopes.ChangesReview, ApiScopes.ChangesApply);
        var auditBefore = (await AuditAsync(change.Number)).Count;

        using var response = await client.PostAsync($"{Path}/{change.Number}/{action}", Json(body));

        var problem = await AssertProblemAsync(response, status);
        if (field is not null)
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {problem}");
        var after = await ReadAsync(change.Number);
        Assert.Equal((change.Status, 0), (after.Status, after.Reviews.Count));
        Assert.Equal(auditBefore, (await AuditAsync(change.Number)).Count);
    }

    [Fact]
    public async Task TheWrongStatus_Is409_AnUnknownChange404_AndABodyThatIsNotJson415()
    {
        var draft = await ChangeAsync(submit: false);
        using var client = await TokenClientAsync(fixture.Dba2, ApiScopes.ChangesWrite, ApiScopes.ChangesReview, ApiScopes.ChangesApply);

        using var approveDraft = await client.PostAsync($"{Path}/{draft.Number}/approve", null);
        using var applyDraft = await client.PostAsync($"{Path}/{draft.Number}/apply", null);
        using var unknown = await client.PostAsync($"{Path}/999999/apply", null);
        using var notJson = await client.PostAsync($"{Path}/{draft.Number}/reject", new StringContent("comment=no", Encoding.UTF8, "text/plain"));

        Assert.Contains("cannot be approved", (await AssertProblemAsync(approveDraft, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Contains("only an approved change", (await AssertProblemAsync(applyDraft, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await AssertProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(ChangeStatus.Draft, (await ReadAsync(draft.Number)).Status);
        Assert.Contains(await AuditAsync(draft.Number), e => e.Action == ChangeApplier.Action && e.Outcome == AuditOutcome.Refused);
    }

    [Fact]
    public async Task AHighRiskChange_IsHeldByTheReviewPolicy_UntilARehearsalPasses_AsAConflictThatSaysWhy()
    {
        var change = await ChangeAsync(risk: ChangeRisk.High);
        using var dba2 = await TokenClientAsync(fixture.Dba2, ApiScopes.ChangesReview);

        using var response = await dba2.PostAsync($"{Path}/{change.Number}/approve", Comment("Looks fine"));

        Assert.Contains("needs a passing load rehearsal", (await AssertProblemAsync(response, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Empty((await ReadAsync(change.Number)).Reviews);
    }

    /// <summary>A setting that needs a restart cannot be rehearsed, so the review policy leaves it to the two reviewers.</summary>
    [Fact]
    public async Task AHighRiskChange_StaysInReview_AfterOneApproval_AndOneReviewerCannotApproveTwice()
    {
        var change = await ChangeAsync("max_locks_per_transaction", "128", risk: ChangeRisk.High);
        using var dba2 = await TokenClientAsync(fixture.Dba2, ApiScopes.ChangesReview);

        using var first = await dba2.PostAsync($"{Path}/{change.Number}/approve", null);
        using var again = await dba2.PostAsync($"{Path}/{change.Number}/approve", Comment("Still fine"));

        var view = await OkAsync(first);
        Assert.Equal(("in_review", 1, 2), (view.GetProperty("status").GetString(), view.GetProperty("approvals").GetInt32(),
            view.GetProperty("requiredApprovals").GetInt32()));
        Assert.Contains("already approved", (await AssertProblemAsync(again, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Single((await ReadAsync(change.Number)).Reviews);
    }

    [Fact]
    public async Task AFailedApply_Is502_WithTheTargetsError_AndTheChangeStaysApproved()
    {
        var change = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId, "SELECT 1 / 0;", "SELECT 1;",
            new ChangeDetails("A script that fails", "To see the failure answered", null, ChangeRisk.Low, null), SubmitForReview: true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        using var client = await TokenClientAsync(fixture.Dba2, ApiScopes.ChangesApply);

        using var response = await client.PostAsync($"{Path}/{change.Number}/apply", null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Contains("division by zero", problem.GetProperty("lastApplyError").GetString());
        Assert.Equal("approved", problem.GetProperty("change").GetProperty("status").GetString());
        var after = await ReadAsync(change.Number);
        Assert.Equal(ChangeStatus.Approved, after.Status);
        Assert.Contains("division by zero", after.LastApplyError);
        Assert.Single(await AuditAsync(change.Number), e => e.Action == "change.apply_failed" && e.Outcome == AuditOutcome.Failed);
    }

    [Fact]
    public async Task TheLifecycleEndpoints_AreInOpenApi_WithBodiesAndProblems()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        var paths = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        foreach (var (action, operation, bodyRequired) in new[]
                 {
                     ("submit", "SubmitChange", false), ("approve", "ApproveChange", false), ("reject", "RejectChange", true), ("apply", "ApplyChange", false),
                 })
        {
            var path = $"{Path}/{{number}}/{action}";
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from {paths}");
            var post = item.GetProperty("post");
            Assert.Equal(operation, post.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(post.GetProperty("summary").GetString()));
            foreach (var status in new[] { "200", "400", "403", "404", "409", "413" })
                Assert.True(post.GetProperty("responses").TryGetProperty(status, out _), $"{path} answers {status}");
            var body = post.GetProperty("requestBody");
            Assert.True(body.GetProperty("content").TryGetProperty("application/json", out _), path);
            Assert.Equal(bodyRequired, body.TryGetProperty("required", out var required) && required.GetBoolean());
        }
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
