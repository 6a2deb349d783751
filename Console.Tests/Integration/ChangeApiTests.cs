using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>The change registry's API, over HTTP, with keys from the admin service and from configuration.</summary>
public sealed class ChangeApiTests(TargetFixture fixture, PostgresClusterFixture postgres) : IClassFixture<TargetFixture>
{
    private const string Path = "/api/v1/changes";

    private static string SettingChange(string parameter = "deadlock_timeout", string value = "2s", string title = "Raise deadlock_timeout") =>
        JsonSerializer.Serialize(new
        {
            kind = "setting", targetName = "shop", title, reason = "Fewer false deadlock reports at peak", ticketUrl = "https://tickets.example.com/OPS-42",
            risk = "medium", plannedAt = "2026-12-01T22:00:00Z", submitForReview = true, parameter, value,
        });

    [Fact]
    public async Task ASettingChange_RegisteredWithAKey_Answers201_AndIsInTheRegistry()
    {
        using var client = await ClientAsync(ApiScopes.ChangesWrite);

        using var response = await PostAsync(client, SettingChange());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var number = created.GetProperty("number").GetInt32();
        Assert.Equal($"{Path}/{number}", response.Headers.Location!.OriginalString);
        Assert.Equal(("deadlock_timeout", "2s", "in_review", "shop"), (created.GetProperty("parameter").GetString(), created.GetProperty("valueAfter").GetString(),
            created.GetProperty("status").GetString(), created.GetProperty("target").GetString()));

        var stored = await fixture.App.Service<ChangeRegistry>().GetByNumberAsync(number);
        Assert.Equal((ChangeKind.Setting, ChangeStatus.InReview, ChangeRisk.Medium), (stored!.Kind, stored.Status, stored.Risk));
        Assert.Equal("system", stored.AuthorName);
        Assert.StartsWith("pipeline-", stored.RegisteredThroughKey);

        using var readBack = await client.GetAsync($"{Path}/{number}");
        Assert.Equal(HttpStatusCode.OK, readBack.StatusCode);
        using var list = await client.GetAsync($"{Path}?target=shop&kind=setting&status=in_review&search=deadlock");
        Assert.Contains((await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray(),
            item => item.GetProperty("number").GetInt32() == number);
    }

    [Fact]
    public async Task NoKey_Is401_ProblemDetails()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        using var response = await PostAsync(client, SettingChange());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ARevokedKey_Is401()
    {
        var keys = fixture.App.Service<ApiKeyService>();
        var key = await keys.CreateAsync(Actor.System, $"revoked-{Guid.NewGuid():N}", [ApiScopes.ChangesWrite]);
        await keys.RevokeAsync(Actor.System, key.Id);
        using var client = Client(key.Key);

        var before = await CountChangesAsync();
        using var response = await PostAsync(client, SettingChange());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await CountChangesAsync());
    }

    [Fact]
    public async Task AKeyWithoutChangesWrite_Is403_ButMayRead()
    {
        using var client = await ClientAsync(ApiScopes.Read);

        using var write = await PostAsync(client, SettingChange());
        using var read = await client.GetAsync(Path);

        var problem = await AssertProblemAsync(write, HttpStatusCode.Forbidden);
        Assert.Contains("changes:write", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task MalformedJson_Is400_SayingWhereItBroke_AndSavesNothing()
    {
        using var client = await ClientAsync(ApiScopes.ChangesWrite);
        var before = await CountChangesAsync();

        using var response = await PostAsync(client, "{\n  \"kind\": \"setting\",\n  \"title\": \"oops\"\n  \"risk\": \"low\"\n}");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("line 4", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await CountChangesAsync());
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "unknown field", SettingChange().Replace("\"kind\"", "\"approvedBy\":\"me\",\"kind\""), "approvedBy" },
        { "wrong type", SettingChange().Replace("\"submitForReview\":true", "\"submitForReview\":\"yes\""), "submitForReview" },
        { "missing title", SettingChange().Replace("\"title\":\"Raise deadlock_timeout\",", ""), "title" },
        { "unknown parameter", SettingChange(parameter: "deadlock_timeoutx"), "parameter" },
        { "out-of-range value", SettingChange(value: "-5s"), "value" },
        { "injection in the parameter name", SettingChange(parameter: "deadlock_timeout = 1; DROP TABLE x; --"), "parameter" },
        { "unknown target", SettingChange().Replace("\"targetName\":\"shop\"", "\"targetName\":\"nowhere\""), "targetName" },
        { "unknown risk", SettingChange().Replace("\"risk\":\"medium\"", "\"risk\":\"extreme\""), "risk" },
        { "field of another kind", SettingChange().Replace("\"kind\"", "\"forwardScript\":\"SELECT 1\",\"kind\""), "forwardScript" },
        { "a javascript: ticket link", SettingChange().Replace("https://tickets.example.com/OPS-42", "javascript:alert(1)"), "ticketUrl" },
        { "a webhook to the cloud metadata address", ExternalChange("http://169.254.169.254/latest/meta-data/"), "rollbackWebhookUrl" },
        { "a NUL in a title", SettingChange(title: "Raise\u0000it"), "title" },
    };

    private static string ExternalChange(string webhook) => JsonSerializer.Serialize(new
    {
        kind = "external", targetName = "shop", title = "Feature flag", reason = "Launch", risk = "low",
        description = "Flag on", rollbackSteps = "Flag off", rollbackWebhookUrl = webhook,
    });

    [Fact]
    public async Task AChangeRegisteredWithAKey_IsAuthoredByTheKeysCreator_WhoCannotApproveIt()
    {
        var holder = new Actor(await fixture.App.CreateUserAsync($"holder{Guid.NewGuid():N}"[..14], TargetFixture.Password, Roles.Admin), "holder", [Roles.Admin]);
        var key = await fixture.App.Service<ApiKeyService>().CreateAsync(holder, $"deploy-{Guid.NewGuid():N}"[..15], [ApiScopes.ChangesWrite]);
        using var client = Client(key.Key);

        using var response = await PostAsync(client, SettingChange(parameter: "lock_timeout", value: "3s", title: "Through a key"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("holder", key.Name), (created.GetProperty("author").GetString(), created.GetProperty("registeredThroughKey").GetString()));
        var registry = fixture.App.Service<ChangeRegistry>();
        var change = (await registry.GetByNumberAsync(created.GetProperty("number").GetInt32()))!;
        Assert.Equal(holder.Id, change.AuthorId);
        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => registry.ApproveAsync(holder, change.Id, "my pipeline, my call"));
        Assert.Contains("author", refusal.Message);
        await registry.ApproveAsync(fixture.Dba2, change.Id, "");
        Assert.Equal(ChangeStatus.Approved, (await registry.GetAsync(change.Id))!.Status);
    }

    [Fact]
    public async Task AKeyFromConfiguration_RegistersForItsOwner_AndAnOwnerWhoIsNoUser_MayNotRegister()
    {
        const string ownedKey = "owned-pipeline-key-0123456789abcdef", orphanKey = "orphan-pipeline-key-0123456789abcdef";
        var store = await postgres.CreateStoreAsync("apikeys_owner");
        await using var app = new ConsoleApp(store, new Dictionary<string, string?>
        {
            ["Api:Keys:0:Name"] = "owned", ["Api:Keys:0:Key"] = ownedKey, ["Api:Keys:0:Scopes:0"] = ApiScopes.ChangesWrite, ["Api:Keys:0:Owner"] = "alice",
            ["Api:Keys:1:Name"] = "orphan", ["Api:Keys:1:Key"] = orphanKey, ["Api:Keys:1:Scopes:0"] = ApiScopes.ChangesWrite, ["Api:Keys:1:Owner"] = "ghost",
            ["Locks:Enabled"] = "false",
        });
        await app.Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Staging, await postgres.CreateTargetDatabaseAsync("owner_target"));
        var alice = new Actor(await app.CreateUserAsync("alice", TargetFixture.Password, Roles.Dba), "alice", [Roles.Dba]);
        using var owned = app.ApiClient(ownedKey);
        using var orphan = app.ApiClient(orphanKey);

        using var registered = await PostAsync(owned, ExternalChange("") .Replace(",\"rollbackWebhookUrl\":\"\"", ""));
        using var refused = await PostAsync(orphan, ExternalChange("").Replace(",\"rollbackWebhookUrl\":\"\"", ""));

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var number = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();
        var change = (await app.Service<ChangeRegistry>().GetByNumberAsync(number))!;
        Assert.Equal((alice.Id, "alice through API key owned"), (change.AuthorId, change.RegisteredBy));
        var problem = await AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("ghost", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ABadBody_Is400_NamingTheField_AndSavesNothing(string what, string body, string field)
    {
        using var client = await ClientAsync(ApiScopes.ChangesWrite);
        var before = await CountChangesAsync();

        using var response = await PostAsync(client, body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"{what}: the problem should name '{field}', but was {problem}");
        Assert.Equal(before, await CountChangesAsync());
    }

    [Fact]
    public async Task ABodyOver64KB_Is413()
    {
        using var client = await ClientAsync(ApiScopes.ChangesWrite);

        using var response = await PostAsync(client, SettingChange(title: new string('x', 70 * 1024)));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AKeyFromConfiguration_Works()
    {
        const string configuredKey = "ci-pipeline-key-0123456789abcdef";
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("apikeys_config"), new Dictionary<string, string?>
        {
            ["Api:Keys:0:Name"] = "ci-pipeline",
            ["Api:Keys:0:Key"] = configuredKey,
            ["Api:Keys:0:Scopes:0"] = ApiScopes.Read,
        });
        using var client = app.ApiClient(configuredKey);
        using var wrong = app.ApiClient(configuredKey + "x");

        using var response = await client.GetAsync(Path);
        using var refused = await wrong.GetAsync(Path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesTheChangeEndpoints()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths");
        Assert.True(paths.TryGetProperty(Path, out var changes), $"paths: {paths}");
        Assert.Equal("RegisterChange", changes.GetProperty("post").GetProperty("operationId").GetString());
        Assert.True(paths.TryGetProperty(Path + "/{number}", out _));
    }

    private Task<HttpClient> ClientAsync(params string[] scopes) => fixture.App.ApiClientAsync("pipeline", scopes);

    private HttpClient Client(string key) => fixture.App.ApiClient(key);

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json) =>
        client.PostAsync(Path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<int> CountChangesAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Changes.CountAsync();
    }
}
