using Microsoft.Playwright;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class AdminUsersTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private readonly ConsoleApp app = fixture.App;

    private async Task<IPage> AdminPageAsync()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin", ConsoleApp.AdminPassword, "/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task FillNewUserAsync(IPage page, string userName, string password, params string[] roles)
    {
        var form = page.GetByTestId("new-user-form");
        await form.GetByLabel("User name").FillAsync(userName);
        await form.GetByLabel("Display name").FillAsync($"{userName} (test)");
        await form.GetByLabel("Initial password").FillAsync(password);
        foreach (var role in roles)
            await form.GetByLabel(role, new() { Exact = true }).CheckAsync();
        await page.GetByTestId("create-user").ClickAsync();
    }

    [Fact]
    public async Task Admin_CreatesAUserWithRoles_WhoCanThenSignIn()
    {
        var page = await AdminPageAsync();

        await FillNewUserAsync(page, "olga", "On-call-Passw0rd!", "OnCall");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByTestId("user-olga") });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.GetByLabel("OnCall", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(row.GetByLabel("DBA", new() { Exact = true })).Not.ToBeCheckedAsync();

        var olga = await browser.NewPageAsync(app.BaseUrl);
        await olga.SignInAsync("olga", "On-call-Passw0rd!");
        await Expect(olga.GetByTestId("role-chip")).ToHaveTextAsync("OnCall");
    }

    [Fact]
    public async Task AWeakPassword_IsShownInline_AndNoUserIsCreated()
    {
        var page = await AdminPageAsync();

        await FillNewUserAsync(page, "weakling", "short");

        await Expect(page.GetByText("Passwords must be at least 10 characters.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("user-weakling")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Admin_DisablesAUser_WhoCanNoLongerSignIn()
    {
        await app.CreateUserAsync("leaver", "Leaver-Passw0rd!", "Viewer");
        var page = await AdminPageAsync();

        await page.GetByTestId("toggle-disabled-leaver").ClickAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByTestId("user-leaver") });
        await Expect(row.GetByText("Disabled", new() { Exact = true })).ToBeVisibleAsync();
        var leaver = await browser.NewPageAsync(app.BaseUrl);
        await leaver.SubmitLoginAsync("leaver", "Leaver-Passw0rd!");
        // The page says no more than for a wrong password; the audit trail records that the account is disabled.
        await Expect(leaver.GetByTestId("login-error")).ToHaveTextAsync(OpsConsole.Web.Components.Pages.Account.Login.RefusedMessage);
        Assert.EndsWith("/account/login", new Uri(leaver.Url).AbsolutePath);
    }

    [Fact]
    public async Task Admin_ChangesRoles_AndTheAuditTrailShowsIt()
    {
        await app.CreateUserAsync("promoted", "Promoted-Passw0rd!", "Viewer");
        var page = await AdminPageAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByTestId("user-promoted") });
        await row.GetByLabel("DBA", new() { Exact = true }).CheckAsync();
        await page.GetByTestId("save-roles-promoted").ClickAsync();
        // The button is disabled while the save runs too: only the snackbar says it committed, and leaving earlier
        // would read the audit trail before the entry is in it.
        await Expect(page.GetByText("Saved the roles of promoted.")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("save-roles-promoted")).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        var entry = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "user:promoted" }).Filter(new() { HasText = "user.roles_changed" });
        await Expect(entry).ToContainTextAsync("admin");
    }
}
