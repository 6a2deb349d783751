using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// One refusal path, end to end: a target that does not answer is a <see cref="TargetUnavailableException"/> from the
/// connection layer and a 503 from every endpoint; the change JSON carries what the caller may do, from the entity.
/// </summary>
public sealed class RefusalPathTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private const string Path = "/api/v1/changes";

    /// <summary>A target registered on a port nothing listens on (port 1), written straight to the store: registering it through the console would test it first.</summary>
    private async Task<Target> DeadTargetAsync()
    {
        var target = new Target($"dead-{Guid.NewGuid():N}"[..12], TargetEnvironment.Staging,
            fixture.App.Service<TargetConnections>().Protect("Host=127.0.0.1;Port=1;Database=shop;Username=nobody;Password=nothing"), DateTimeOffset.UtcNow);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        db.Targets.Add(target);
        await db.SaveChangesAsync();
        return target;
    }

    [Fact]
    public async Task ATargetThatDoesNotAnswer_IsTargetUnavailable_FromTheConnectionLayer_NotADriverException()
    {
        var dead = await DeadTargetAsync();

        var down = await Assert.ThrowsAsync<TargetUnavailableException>(() => fixture.App.Service<SettingCatalog>().ReadAsync(dead));

        Assert.Equal(dead.Name, down.Target);
        Assert.Equal($"The target {dead.Name} does not answer: the connection was refused (is PostgreSQL listening there?).", down.Message);
        Assert.IsAssignableFrom<Npgsql.NpgsqlException>(down.InnerException);
    }

    [Fact]
    public async Task ASettingChangeOnATargetThatDoesNotAnswer_Is503_AndSavesNothing()
    {
        var dead = await DeadTargetAsync();
        using var client = await ClientAsync(Actor.System);
        var before = await CountChangesAsync();

        using var response = await client.PostAsync(Path, Json(new
        {
            kind = "setting", targetId = dead.Id, title = "Raise work_mem", reason = "Sorts spill", risk = "low", parameter = "work_mem", value = "8MB",
        }));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Target unavailable", problem.GetProperty("title").GetString());
        Assert.Contains($"The target {dead.Name} does not answer", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await CountChangesAsync());
    }

    [Fact]
    public async Task ARuleAboutOneField_IsAValidationProblem_NamingTheFieldAsTheBodyDoes()
    {
        using var client = await ClientAsync(Actor.System);

        using var response = await client.PostAsync(Path, Json(new
        {
            kind = "setting", targetName = "shop", title = "Raise work_mem", reason = "Sorts spill", risk = "low", parameter = "work_mem", value = "lots",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("work_mem takes a whole number", problem.GetProperty("errors").GetProperty("value")[0].GetString());
    }

    [Fact]
    public async Task ADraftReadThroughItsAuthorsKey_MayBeSubmitted_AndSaysWhyItCannotBeApproved()
    {
        var holder = new Actor(await fixture.App.CreateUserAsync($"author{Guid.NewGuid():N}"[..14], TargetFixture.Password, Roles.Dba), "author", [Roles.Dba]);
        using var client = await ClientAsync(holder);
        using var created = await client.PostAsync(Path, Json(new
        {
            kind = "sql", targetName = "shop", title = "Add an index", reason = "Slow lookups", risk = "low", forwardScript = "SELECT 1", rollbackScript = "SELECT 2",
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();

        var change = await client.GetFromJsonAsync<JsonElement>($"{Path}/{number}");

        Assert.Equal(["submit"], change.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        var approve = change.GetProperty("unavailableActions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == "approve");
        Assert.Equal($"Change #{number} is draft and cannot be approved.", approve.GetProperty("reason").GetString());
        var comment = change.GetProperty("unavailableActions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == "comment");
        Assert.Contains("may not review changes", comment.GetProperty("reason").GetString());
    }

    private async Task<HttpClient> ClientAsync(Actor holder)
    {
        // The key acts for its creator: an Admin for the moment of creating it, so that the key's changes are the holder's.
        var key = await fixture.App.Service<ApiKeyService>().CreateAsync(holder with { Roles = [Roles.Admin] }, $"refusals-{Guid.NewGuid():N}"[..16],
            [ApiScopes.ChangesWrite]);
        return fixture.App.ApiClient(key.Key);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private async Task<int> CountChangesAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Changes.CountAsync();
    }
}
