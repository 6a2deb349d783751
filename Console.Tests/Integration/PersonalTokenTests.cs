using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Personal tokens over HTTP: a token is its owner, with the roles the owner holds now narrowed by the token's scopes,
/// audited under the owner's name; a disabled owner's tokens stop at once; only the owner lists and revokes them.
/// </summary>
public sealed class PersonalTokenTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private PersonalTokens Tokens => fixture.App.Service<PersonalTokens>();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static StringContent SettingChange(string title) => new(JsonSerializer.Serialize(new
    {
        kind = "setting", targetName = "shop", title, reason = "Fewer false deadlock reports at peak", risk = "medium",
        parameter = "deadlock_timeout", value = "2s",
    }), Encoding.UTF8, "application/json");

    private async Task<List<AuditEntry>> AuditAsync(Func<AuditEntry, bool> match)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return (await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync()).Where(match).ToList();
    }

    [Fact]
    public async Task AToken_RegistersAChange_AsItsOwner_AuditedUnderTheOwnersNameAndTheToken()
    {
        var name = Unique("deploy-bot");
        var token = await Tokens.CreateAsync(fixture.Dba1, name, [ApiScopes.ChangesWrite]);
        using var client = fixture.App.ApiClient(token.Key);

        using var response = await client.PostAsync("/api/v1/changes", SettingChange(Unique("Through a token")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var number = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();
        var change = (await fixture.App.Service<ChangeRegistry>().GetByNumberAsync(number))!;
        Assert.Equal(("dba1", fixture.Dba1.Id, name), (change.AuthorName, change.AuthorId, change.RegisteredThroughKey));
        var entry = Assert.Single(await AuditAsync(e => e.Subject == $"change:{number}" && e.Action == "change.registered"));
        Assert.Equal(($"dba1 (token {name})", fixture.Dba1.Id), (entry.ActorName, entry.ActorId));
    }

    [Fact]
    public async Task AViewersToken_WithChangesWrite_IsRefused_AndTheRefusalIsAuditedUnderTheViewer()
    {
        var name = Unique("viewer-bot");
        var token = await Tokens.CreateAsync(fixture.Viewer, name, [ApiScopes.ChangesWrite]);
        using var client = fixture.App.ApiClient(token.Key);
        var before = await CountChangesAsync();

        using var response = await client.PostAsync("/api/v1/changes", SettingChange(Unique("Viewer tries")));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("needs one of the roles", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await CountChangesAsync());
        Assert.Single(await AuditAsync(e => e.ActorName == $"viewer (token {name})" && e.Outcome == AuditOutcome.Refused));
    }

    [Fact]
    public async Task ATokenWithoutTheScope_IsRefused_ThoughItsOwnerMayRegister()
    {
        var token = await Tokens.CreateAsync(fixture.Dba1, Unique("reader"), [ApiScopes.Read]);
        using var client = fixture.App.ApiClient(token.Key);

        using var write = await client.PostAsync("/api/v1/changes", SettingChange(Unique("Reader tries")));
        using var read = await client.GetAsync("/api/v1/changes");

        var problem = await AssertProblemAsync(write, HttpStatusCode.Forbidden);
        Assert.Contains("changes:write", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task ADisabledOwnersTokens_StopAtOnce_AndWorkAgainWhenTheOwnerIsEnabled()
    {
        var userName = Unique("leaver");
        var owner = new Actor(await fixture.App.CreateUserAsync(userName, TargetFixture.Password, Roles.Dba), userName, [Roles.Dba]);
        var token = await Tokens.CreateAsync(owner, "laptop", [ApiScopes.Read]);
        using var client = fixture.App.ApiClient(token.Key);
        var users = fixture.App.Service<UserAdministration>();

        using var before = await client.GetAsync("/api/v1/changes");
        await users.SetDisabledAsync(Actor.System, owner.Id, true);
        using var whileDisabled = await client.GetAsync("/api/v1/changes");
        await users.SetDisabledAsync(Actor.System, owner.Id, false);
        using var after = await client.GetAsync("/api/v1/changes");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await AssertProblemAsync(whileDisabled, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ARoleTakenFromTheOwner_IsTakenFromTheirToken_OnItsNextRequest()
    {
        var userName = Unique("mover");
        var owner = new Actor(await fixture.App.CreateUserAsync(userName, TargetFixture.Password, Roles.Dba), userName, [Roles.Dba]);
        var token = await Tokens.CreateAsync(owner, "script", [ApiScopes.ChangesWrite]);
        using var client = fixture.App.ApiClient(token.Key);

        using var asDba = await client.PostAsync("/api/v1/changes", SettingChange(Unique("As a DBA")));
        await fixture.App.Service<UserAdministration>().SetRolesAsync(Actor.System, owner.Id, [Roles.Viewer]);
        using var asViewer = await client.PostAsync("/api/v1/changes", SettingChange(Unique("As a Viewer")));

        Assert.Equal(HttpStatusCode.Created, asDba.StatusCode);
        await AssertProblemAsync(asViewer, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Tokens_AreListedAndRevokedByTheirOwnerOnly_AndARevokedTokenIs401()
    {
        var name = Unique("mine");
        var token = await Tokens.CreateAsync(fixture.Dba2, name, [ApiScopes.Read]);
        using var client = fixture.App.ApiClient(token.Key);

        var stranger = await Assert.ThrowsAsync<DomainRuleException>(() => Tokens.RevokeAsync(fixture.OnCall, token.Id));
        Assert.Contains("no token with that id", stranger.Message);
        Assert.DoesNotContain(await Tokens.ListAsync(fixture.OnCall), t => t.Id == token.Id);
        Assert.Single(await AuditAsync(e => e.Action == "token.revoke" && e.ActorName == "oncall" && e.Outcome == AuditOutcome.Refused
                                            && e.Subject == $"apikey:{token.Id}"));
        using var stillWorks = await client.GetAsync("/api/v1/changes");
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);

        await Tokens.RevokeAsync(fixture.Dba2, token.Id);

        var listed = Assert.Single(await Tokens.ListAsync(fixture.Dba2), t => t.Id == token.Id);
        Assert.Equal((ApiKeyKind.PersonalToken, false), (listed.Kind, listed.IsActive));
        using var revoked = await client.GetAsync("/api/v1/changes");
        await AssertProblemAsync(revoked, HttpStatusCode.Unauthorized);
        Assert.Single(await AuditAsync(e => e.Action == "token.revoked" && e.ActorName == "dba2" && e.Subject == $"apikey:{name}"));
    }

    [Fact]
    public async Task AToken_IsNotMadeByAKey_NorWithABadNameOrScope_AndNothingIsSaved()
    {
        var serviceKey = new Actor("apikey:x", "ci (API key)", [], [Permission.RegisterChange], new KeyHolder("ci", fixture.Dba1.Id, "dba1"));
        var name = Unique("bad");

        await Assert.ThrowsAsync<DomainRuleException>(() => Tokens.CreateAsync(serviceKey, name, [ApiScopes.Read]));
        Assert.Equal("Scopes", (await Assert.ThrowsAsync<DomainRuleException>(() => Tokens.CreateAsync(fixture.Dba1, name, ["admin:all"]))).Field);
        Assert.Equal("Name", (await Assert.ThrowsAsync<DomainRuleException>(() => Tokens.CreateAsync(fixture.Dba1, "  ", [ApiScopes.Read]))).Field);
        Assert.Equal("Name", (await Assert.ThrowsAsync<DomainRuleException>(() => Tokens.CreateAsync(fixture.Dba1, "a\u0000b", [ApiScopes.Read]))).Field);

        Assert.DoesNotContain(await Tokens.ListAsync(fixture.Dba1), t => t.Name == name);
        Assert.Single(await AuditAsync(e => e.Action == "token.create" && e.Subject == $"apikey:{name}" && e.Outcome == AuditOutcome.Refused));
    }

    [Fact]
    public async Task AServiceKey_MayNotHoldAPersonalOnlyScope()
    {
        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() =>
            fixture.App.Service<ApiKeyService>().CreateAsync(Actor.System, Unique("svc"), [ApiScopes.RollbacksWrite]));

        Assert.Equal("Scopes", refusal.Field);
        Assert.Contains("personal tokens only", refusal.Message);
    }

    private async Task<int> CountChangesAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Changes.CountAsync();
    }
}
