using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class ApiKeyServiceTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private ApiKeyService Keys => fixture.App.Service<ApiKeyService>();

    [Fact]
    public async Task Create_ReturnsTheKeyOnce_AndStoresOnlyItsHash()
    {
        var created = await Keys.CreateAsync(Actor.System, "hash-check", [ApiScopes.ChangesWrite]);

        Assert.Matches("^ops_[a-z0-9]{8}_[A-Za-z0-9]{32,}$", created.Key);
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var row = await db.ApiKeys.SingleAsync(k => k.Id == created.Id);
        Assert.Equal(created.Key.Substring(4, 8), row.Prefix);
        Assert.NotEqual(created.Key, row.SecretHash);
        Assert.Equal(64, row.SecretHash.Length);
        var audit = await db.AuditEntries.Where(e => e.Subject == "apikey:hash-check").SingleAsync();
        Assert.Equal("apikey.created", audit.Action);
        Assert.DoesNotContain(created.Key, audit.Details);
        Assert.DoesNotContain(created.Key[13..], audit.Details);
    }

    [Fact]
    public async Task Authenticate_KnowsAnActiveKey_AndRefusesATamperedOrRevokedOne()
    {
        var created = await Keys.CreateAsync(Actor.System, "auth-check", [ApiScopes.Read, ApiScopes.ChangesWrite]);

        var known = await Keys.AuthenticateAsync(created.Key);
        var tampered = await Keys.AuthenticateAsync(created.Key[..^1] + (created.Key[^1] == 'a' ? 'b' : 'a'));
        await Keys.RevokeAsync(Actor.System, created.Id);
        var revoked = await Keys.AuthenticateAsync(created.Key);

        Assert.Equal("auth-check", known!.Name);
        Assert.Equal([ApiScopes.ChangesWrite, ApiScopes.Read], known.Scopes);
        Assert.Null(tampered);
        Assert.Null(revoked);
        Assert.NotNull((await Keys.ListAsync()).Single(k => k.Id == created.Id).LastUsedAt);
    }

    [Fact]
    public async Task Create_ByANonAdmin_IsRefused_AndTheRefusalIsAudited()
    {
        var dba = new Actor("dba-id", "dora", [Roles.Dba]);

        await Assert.ThrowsAsync<AccessDeniedException>(() => Keys.CreateAsync(dba, "sneaky-key", [ApiScopes.ChangesWrite]));

        Assert.DoesNotContain(await Keys.ListAsync(), k => k.Name == "sneaky-key");
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var entry = await db.AuditEntries.SingleAsync(e => e.Subject == "apikey:sneaky-key");
        Assert.Equal(("apikey.create", AuditOutcome.Refused), (entry.Action, entry.Outcome));
    }

    [Fact]
    public async Task Create_WithAnUnknownScope_SavesNothing()
    {
        var rule = await Assert.ThrowsAsync<DomainRuleException>(() => Keys.CreateAsync(Actor.System, "bad-scope", ["admin:all"]));

        Assert.Equal("Scopes", rule.Field);
        Assert.DoesNotContain(await Keys.ListAsync(), k => k.Name == "bad-scope");
    }
}
