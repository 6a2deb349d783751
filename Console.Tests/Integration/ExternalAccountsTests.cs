using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class ExternalAccountsTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private ExternalAccounts Accounts => fixture.App.Service<ExternalAccounts>();

    [Fact]
    public async Task FirstSignIn_CreatesALocalAccount_AndLaterSignInsFollowTheProvidersRoles()
    {
        var created = await Accounts.SyncAsync("oidc", "sub-123", "sam", "Sam Smith", [Roles.OnCall]);
        var again = await Accounts.SyncAsync("oidc", "sub-123", "sam", "Sam Smith", [Roles.Dba, Roles.OnCall]);

        Assert.Equal(created.Id, again.Id);
        var sam = (await fixture.App.Service<UserAdministration>().ListAsync()).Single(u => u.Id == created.Id);
        Assert.Equal("sam@oidc", sam.UserName);
        Assert.Equal([Roles.Dba, Roles.OnCall], sam.Roles);
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var actions = await db.AuditEntries.Where(e => e.Subject == "user:sam@oidc").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync();
        Assert.Equal(["user.created", "user.roles_changed", "user.roles_changed"], actions);
    }

    [Fact]
    public async Task UnchangedRoles_WriteNoAuditEntry()
    {
        await Accounts.SyncAsync("oidc", "sub-456", "vic", "Vic", [Roles.Viewer]);
        await Accounts.SyncAsync("oidc", "sub-456", "vic", "Vic", [Roles.Viewer]);

        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Subject == "user:vic@oidc"));
    }
}
