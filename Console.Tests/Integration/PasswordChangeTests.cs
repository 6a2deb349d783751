using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class PasswordChangeTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private const string Password = "First-Passw0rd!", NewPassword = "Second-Passw0rd!";
    private ConsoleApp App => fixture.App;
    private PasswordChanges Passwords => App.Service<PasswordChanges>();

    [Fact]
    public async Task Change_WithTheRightCurrentPassword_ReplacesIt_ClearsTheRequirement_AndIsAudited()
    {
        var actor = await UserAsync("pia", mustChange: true);

        await Passwords.ChangeAsync(actor, Password, NewPassword);

        var user = await FindAsync("pia");
        Assert.False(user.MustChangePassword);
        Assert.True(await CheckAsync("pia", NewPassword));
        Assert.False(await CheckAsync("pia", Password));
        var entry = Assert.Single(await EntriesAsync("user:pia"));
        Assert.Equal((PasswordChanges.Action, AuditOutcome.Succeeded, "pia"), (entry.Action, entry.Outcome, entry.ActorName));
        Assert.True(JsonDocument.Parse(entry.Details).RootElement.GetProperty("required").GetBoolean());
    }

    [Theory]
    [InlineData("wrong-current", "Wrong-Curr3nt!", NewPassword, "CurrentPassword", "wrong_current_password")]
    [InlineData("too-weak", Password, "short", "NewPassword", "password_rules")]
    [InlineData("unchanged", Password, Password, "NewPassword", "unchanged")]
    public async Task Change_Refused_NamesTheField_ChangesNothing_AndIsAudited(string userName, string current, string next, string field, string reason)
    {
        var actor = await UserAsync(userName, mustChange: true);

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Passwords.ChangeAsync(actor, current, next));

        Assert.Equal(field, refusal.Field);
        Assert.True(await CheckAsync(userName, Password));
        Assert.True((await FindAsync(userName)).MustChangePassword);
        var entry = Assert.Single(await EntriesAsync($"user:{userName}"));
        Assert.Equal((PasswordChanges.Action, AuditOutcome.Refused), (entry.Action, entry.Outcome));
        Assert.Equal(reason, JsonDocument.Parse(entry.Details).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ThroughThePage_TheCookieIsReissued_AndThePagesOpenAgain()
    {
        await UserAsync("rex", mustChange: true);
        using var client = new FormClient(App.BaseUrl);
        await client.SignInAsync("rex", Password);
        var before = client.Cookies.GetCookies(App.BaseUrl)["opsconsole.auth"]!.Value;
        var sent = await client.Http.GetAsync("/changes");

        var changed = await client.ChangePasswordAsync(Password, NewPassword);
        var after = client.Cookies.GetCookies(App.BaseUrl)["opsconsole.auth"]!.Value;
        var home = await client.Http.GetAsync("/changes");

        Assert.Equal("/account/password?returnUrl=%2Fchanges", sent.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.NotEqual(before, after);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task WhileThePasswordMustChange_ApiKeysAndHealthProbesAreUnaffected()
    {
        await UserAsync("ivy", mustChange: true);
        using var client = new FormClient(App.BaseUrl);
        await client.SignInAsync("ivy", Password);

        var ready = await client.Http.GetAsync("/readyz");
        var api = await client.Http.GetAsync("/api/v1/changes");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode); // the API wants a key, whatever the cookie says
    }

    private async Task<Actor> UserAsync(string userName, bool mustChange)
    {
        var id = await App.CreateUserAsync(userName, Password, Roles.Viewer);
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        var user = (await users.FindByIdAsync(id))!;
        user.MustChangePassword = mustChange;
        await users.UpdateAsync(user);
        return new Actor(id, userName, [Roles.Viewer]);
    }

    private async Task<OpsUser> FindAsync(string userName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>().FindByNameAsync(userName))!;
    }

    private async Task<bool> CheckAsync(string userName, string password)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        return await users.CheckPasswordAsync((await users.FindByNameAsync(userName))!, password);
    }

    private async Task<List<AuditEntry>> EntriesAsync(string subject)
    {
        await using var db = await App.Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Subject == subject && e.Action.StartsWith("account.password"))
            .OrderBy(e => e.Sequence).ToListAsync();
    }
}
