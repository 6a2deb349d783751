using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Pages.Account;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class SignInTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private static readonly Regex LoginUrl = new("/account/login");

    private readonly ConsoleApp app = fixture.App;

    [Fact]
    public async Task LoginPage_Loads()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var response = await page.GotoAsync("/account/login");

        Assert.Equal(200, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "OpsConsole" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("User name")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task WrongPassword_IsRefusedWithAMessage()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SubmitLoginAsync("admin", "not-the-password");

        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync(Login.RefusedMessage);
        Assert.EndsWith("/account/login", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task RepeatedFailures_LockTheAccountOut_EvenForTheRightPassword()
    {
        await app.CreateUserAsync("lockme", "Lock-me-0ut!", Roles.Viewer);
        var page = await browser.NewPageAsync(app.BaseUrl);
        for (var attempt = 0; attempt < 5; attempt++)
            await page.SubmitLoginAsync("lockme", "wrong-password");

        await page.SubmitLoginAsync("lockme", "Lock-me-0ut!");

        // The same words as for a wrong password: the page does not tell a guesser which accounts exist or are locked.
        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync(Login.RefusedMessage);
        Assert.EndsWith("/account/login", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task SeededAdmin_SignsIn_AndSeesTheShell()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync("admin", ConsoleApp.AdminPassword);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout health" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("admin");
        await Expect(page.GetByTestId("role-chip")).ToHaveTextAsync("Admin");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        foreach (var section in new[] { "Health", "Locks", "Changes", "Incidents", "Audit", "Admin" })
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = section })).ToBeVisibleAsync();
        await Expect(page.GetByText("Live", new() { Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Viewer_OpeningAdmin_IsRefused()
    {
        await app.CreateUserAsync("manager", "Manager-Passw0rd!", Roles.Viewer);
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync("manager", "Manager-Passw0rd!");

        await page.GotoAsync("/admin");

        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("users-table")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync("admin", ConsoleApp.AdminPassword);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // The URL itself, not a load event: once, the sign-out's answer arrived without a load event Playwright saw (30 s timeout).
        await Expect(page).ToHaveURLAsync(LoginUrl);

        await page.GotoAsync("/audit");
        await Expect(page).ToHaveURLAsync(LoginUrl);
        await Expect(page.GetByLabel("User name")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task DarkMode_PersistsAcrossReload()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SignInAsync("admin", ConsoleApp.AdminPassword);
        var light = await BackgroundOfAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" }).ClickAsync();
        await Expect(page.Locator("[data-theme='dark']")).ToBeVisibleAsync();
        var dark = await BackgroundOfAsync(page);
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();

        await Expect(page.Locator("[data-theme='dark']")).ToBeVisibleAsync();
        Assert.NotEqual(light, dark);
        Assert.Equal(dark, await BackgroundOfAsync(page));
    }

    [Fact]
    public async Task OnANarrowScreen_ANavigationLink_ClosesTheDrawer()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        await page.SetViewportSizeAsync(600, 900);
        await page.SignInAsync("admin", ConsoleApp.AdminPassword);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        if (await nav.IsVisibleAsync())
            await toggle.ClickAsync();
        await Expect(nav).Not.ToBeInViewportAsync();

        await toggle.ClickAsync();
        await Expect(nav).ToBeInViewportAsync();
        await nav.GetByRole(AriaRole.Link, new() { Name = "Locks" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/locks$"));
        await Expect(nav).Not.ToBeInViewportAsync();
    }

    private static Task<string> BackgroundOfAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
