using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class UserAdministrationTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private const string GoodPassword = "Str0ng-Passw0rd!";
    private UserAdministration Users => fixture.App.Service<UserAdministration>();

    private async Task<Actor> AdminAsync()
    {
        var admin = (await Users.ListAsync()).Single(u => u.UserName == AdminBootstrap.AdminUserName);
        return new Actor(admin.Id, admin.UserName, admin.Roles);
    }

    [Fact]
    public async Task Create_ByAdmin_StoresTheUserWithRoles_AndAnAuditEntry()
    {
        var admin = await AdminAsync();

        var id = await Users.CreateAsync(admin, new NewUser("dana", "Dana DBA", GoodPassword, [Roles.Dba]));

        var dana = (await Users.ListAsync()).Single(u => u.Id == id);
        Assert.Equal(["DBA"], dana.Roles);
        Assert.Equal("Dana DBA", dana.DisplayName);
        var entry = await LastAuditAsync("user:dana");
        Assert.Equal(("user.created", AuditOutcome.Succeeded, "admin"), (entry!.Action, entry.Outcome, entry.ActorName));
    }

    [Fact]
    public async Task Create_ByViewer_IsRefused_AndTheRefusalIsAudited()
    {
        var viewer = new Actor("viewer-id", "mia", [Roles.Viewer]);

        await Assert.ThrowsAsync<AccessDeniedException>(() => Users.CreateAsync(viewer, new NewUser("sneaky", "", GoodPassword, [Roles.Admin])));

        Assert.DoesNotContain(await Users.ListAsync(), u => u.UserName == "sneaky");
        var entry = await LastAuditAsync("user:sneaky");
        Assert.Equal(("user.create", AuditOutcome.Refused, "mia"), (entry!.Action, entry.Outcome, entry.ActorName));
    }

    [Fact]
    public async Task Create_WithAWeakPassword_SavesNothing_AndSaysWhy()
    {
        var rule = await Assert.ThrowsAsync<DomainRuleException>(() => Users.CreateAsync(Actor.System, new NewUser("weak", "", "short", [Roles.Viewer])));

        Assert.Equal(nameof(NewUser.Password), rule.Field);
        Assert.Contains("at least 10 characters", rule.Message);
        Assert.DoesNotContain(await Users.ListAsync(), u => u.UserName == "weak");
        Assert.Null(await LastAuditAsync("user:weak"));
    }

    [Fact]
    public async Task Create_WithAnUnknownRole_IsRefused()
    {
        var rule = await Assert.ThrowsAsync<DomainRuleException>(() => Users.CreateAsync(Actor.System, new NewUser("root2", "", GoodPassword, ["Superuser"])));

        Assert.Contains("Unknown role Superuser", rule.Message);
        Assert.DoesNotContain(await Users.ListAsync(), u => u.UserName == "root2");
    }

    [Fact]
    public async Task SetRoles_ReplacesTheRoles_AndInvalidatesOpenSessions()
    {
        var id = await Users.CreateAsync(Actor.System, new NewUser("oscar", "", GoodPassword, [Roles.Viewer]));
        var stampBefore = await StampAsync(id);

        await Users.SetRolesAsync(await AdminAsync(), id, [Roles.OnCall, Roles.Dba]);

        Assert.Equal([Roles.Dba, Roles.OnCall], (await Users.ListAsync()).Single(u => u.Id == id).Roles);
        Assert.NotEqual(stampBefore, await StampAsync(id));
        Assert.Equal("user.roles_changed", (await LastAuditAsync("user:oscar"))!.Action);
    }

    [Fact]
    public async Task Disable_ThenEnable_IsRecorded()
    {
        var id = await Users.CreateAsync(Actor.System, new NewUser("tina", "", GoodPassword, [Roles.Viewer]));
        var admin = await AdminAsync();

        await Users.SetDisabledAsync(admin, id, true);
        Assert.True((await Users.ListAsync()).Single(u => u.Id == id).IsDisabled);
        await Users.SetDisabledAsync(admin, id, false);

        Assert.False((await Users.ListAsync()).Single(u => u.Id == id).IsDisabled);
        Assert.Equal("user.enabled", (await LastAuditAsync("user:tina"))!.Action);
    }

    [Fact]
    public async Task TheLastActiveAdmin_CannotBeDisabledOrDemoted()
    {
        var admin = await AdminAsync();

        var disable = await Assert.ThrowsAsync<DomainRuleException>(() => Users.SetDisabledAsync(Actor.System, admin.Id, true));
        var demote = await Assert.ThrowsAsync<DomainRuleException>(() => Users.SetRolesAsync(Actor.System, admin.Id, [Roles.Viewer]));

        Assert.Contains("last active Admin", disable.Message);
        Assert.Contains("last active Admin", demote.Message);
        Assert.Equal([Roles.Admin], (await AdminAsync()).Roles);
    }

    private async Task<AuditEntry?> LastAuditAsync(string subject)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == subject).OrderByDescending(e => e.Id).FirstOrDefaultAsync();
    }

    private async Task<string?> StampAsync(string userId)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        return await users.GetSecurityStampAsync((await users.FindByIdAsync(userId))!);
    }
}
