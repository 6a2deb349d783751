using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Pages.Account;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Tests.Integration;

/// <summary>The sign-in form as the server answers it: one message for every failure, the true reason in the audit trail.</summary>
public sealed class SignInAuditTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private const string Password = "Sign-in-Passw0rd!";
    private ConsoleApp App => fixture.App;

    [Fact]
    public async Task UnknownUser_WrongPassword_Disabled_AndLockedOut_GetTheSameAnswer_AndTheAuditSaysWhy()
    {
        await App.CreateUserAsync("vera", Password, Roles.Viewer);
        var doraId = await App.CreateUserAsync("dora", Password, Roles.Viewer);
        await App.Service<UserAdministration>().SetDisabledAsync(Actor.System, doraId, disabled: true);
        await App.CreateUserAsync("lou", Password, Roles.Viewer);
        using var client = new FormClient(App.BaseUrl);
        for (var attempt = 0; attempt < 5; attempt++)
            await client.SignInAsync("lou", "not-the-password");

        var answers = new List<string>();
        foreach (var (user, password) in new[] { ("nobody-here", Password), ("vera", "not-the-password"), ("dora", Password), ("lou", Password) })
        {
            var response = await client.SignInAsync(user, password);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(ErrorOf(await response.Content.ReadAsStringAsync()));
        }

        Assert.All(answers, answer => Assert.Equal(Login.RefusedMessage, answer));
        Assert.Equal("unknown_user", await LastFailureReasonAsync("user:nobody-here"));
        Assert.Equal("wrong_password", await LastFailureReasonAsync("user:vera"));
        Assert.Equal("disabled", await LastFailureReasonAsync("user:dora"));
        Assert.Equal("locked_out", await LastFailureReasonAsync("user:lou"));
    }

    [Fact]
    public async Task FifthWrongPassword_LocksTheAccount_AndTheLockOutIsAudited()
    {
        await App.CreateUserAsync("lena", Password, Roles.Viewer);
        using var client = new FormClient(App.BaseUrl);

        for (var attempt = 0; attempt < 4; attempt++)
            await client.SignInAsync("lena", "not-the-password");
        Assert.Empty(await EntriesAsync("user:lena", AccountSignIn.LockedOut));
        await client.SignInAsync("lena", "not-the-password");

        var lockOut = Assert.Single(await EntriesAsync("user:lena", AccountSignIn.LockedOut));
        Assert.Equal(AuditOutcome.Succeeded, lockOut.Outcome);
        Assert.Equal(5, (await EntriesAsync("user:lena", AccountSignIn.Failed)).Count);
        Assert.True(JsonDocument.Parse(lockOut.Details).RootElement.TryGetProperty("until", out _));
    }

    [Fact]
    public async Task SignInAndSignOut_AreAudited_WithThePerson()
    {
        var id = await App.CreateUserAsync("sam", Password, Roles.OnCall);
        using var client = new FormClient(App.BaseUrl);

        var signedIn = await client.SignInAsync("sam", Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var signedOut = await client.Http.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await client.TokenAsync("/account/password"),
        }));

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var entries = await EntriesAsync("user:sam");
        Assert.Equal([AccountSignIn.SignedIn, AccountSignIn.SignedOut], entries.Select(e => e.Action).Where(a => a.StartsWith("account.sign")));
        Assert.All(entries.Where(e => e.Action.StartsWith("account.sign")), e => Assert.Equal((id, "sam"), (e.ActorId, e.ActorName)));
    }

    [Fact]
    public async Task ConfiguredAdminPassword_NeedNotChange_TheConsoleOpensAfterSignIn()
    {
        using var client = new FormClient(App.BaseUrl);

        var signedIn = await client.SignInAsync(AdminBootstrap.AdminUserName, ConsoleApp.AdminPassword);
        var home = await client.Http.GetAsync("/");

        Assert.Equal("/", signedIn.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task ControlCharactersInTheUserName_GetTheSameAnswer_NotAnError()
    {
        using var client = new FormClient(App.BaseUrl);

        var response = await client.SignInAsync("ad\u0007min", ConsoleApp.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Login.RefusedMessage, ErrorOf(await response.Content.ReadAsStringAsync()));
        Assert.Equal("unknown_user", await LastFailureReasonAsync("user:admin"));
        Assert.Equal("unknown_user", JsonDocument.Parse((await EntriesAsync("user:admin", AccountSignIn.Failed)).Last().Details).RootElement.GetProperty("reason").GetString());
        // NUL cannot even pass the form reader: refused before any sign-in code runs, never a 500.
        var withNul = await client.SignInAsync("ad\u0000min", ConsoleApp.AdminPassword);
        Assert.Equal(HttpStatusCode.BadRequest, withNul.StatusCode);
    }

    internal static string ErrorOf(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, """data-testid="login-error"[\s\S]*?<div class="mud-alert-message">([\s\S]*?)</div>""");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : "(no error shown)";
    }

    private async Task<string?> LastFailureReasonAsync(string subject)
    {
        var failure = (await EntriesAsync(subject, AccountSignIn.Failed)).LastOrDefault();
        return failure is null ? null : JsonDocument.Parse(failure.Details).RootElement.GetProperty("reason").GetString();
    }

    private async Task<List<AuditEntry>> EntriesAsync(string subject, string? action = null)
    {
        await using var db = await App.Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.Subject == subject && (action == null || e.Action == action)).OrderBy(e => e.Sequence).ToListAsync();
    }
}
