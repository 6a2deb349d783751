using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Integration;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class ChangePasswordPageTests(ConsoleAppFixture fixture, BrowserFixture browser, PostgresClusterFixture postgres)
    : IClassFixture<ConsoleAppFixture>
{
    private const string Chosen = "My-Own-Passw0rd!";

    [Fact]
    public async Task FirstSignIn_WithTheGeneratedPassword_IsSentToChangeIt_ThenTheConsoleOpens()
    {
        var shown = new LoggingTests.ShownPasswords();
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("first-sign-in"),
            new Dictionary<string, string?> { ["Bootstrap:AdminPassword"] = "" }, services => services.AddSingleton<FirstPasswordNotice>(shown));
        var page = await browser.NewPageAsync(app.BaseUrl);
        var generated = Assert.Single(shown.Passwords);

        await page.SubmitLoginAsync("admin", generated, "/account/login?returnUrl=%2Faudit");
        await page.WaitForURLAsync("**/account/password**");
        await Expect(page.GetByTestId("password-required")).ToBeVisibleAsync();
        await page.GotoAsync("/changes");
        await page.WaitForURLAsync("**/account/password**");

        await page.GetByLabel("Current password").FillAsync(generated);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Chosen);
        await page.GetByLabel("Confirm new password").FillAsync(Chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Config changes" })).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout health" })).ToBeVisibleAsync();
        await using var db = await app.Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == PasswordChanges.Action && e.Subject == "user:admin"));
    }

    [Fact]
    public async Task WrongCurrentPassword_IsAnInlineError_FromTheUserMenu()
    {
        await fixture.App.CreateUserAsync("walt", "Walt-Passw0rd!", Roles.Viewer);
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        await page.SignInAsync("walt", "Walt-Passw0rd!");

        await page.GetByRole(AriaRole.Link, new() { Name = "Change password" }).ClickAsync();
        await page.WaitForURLAsync("**/account/password**");
        await page.GetByLabel("Current password").FillAsync("Not-My-Passw0rd!");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Chosen);
        await page.GetByLabel("Confirm new password").FillAsync(Chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.Locator(".ops-field-error")).ToHaveTextAsync("The current password is wrong.");
        await Expect(page.GetByLabel("Current password")).ToHaveValueAsync("");
        Assert.EndsWith("/account/password", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task MismatchedConfirmation_IsAnInlineError()
    {
        await fixture.App.CreateUserAsync("max", "Max-Passw0rd!", Roles.Viewer);
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        await page.SignInAsync("max", "Max-Passw0rd!");
        await page.GotoAsync("/account/password");

        await page.GetByLabel("Current password").FillAsync("Max-Passw0rd!");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Chosen);
        await page.GetByLabel("Confirm new password").FillAsync(Chosen + "x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.Locator(".ops-field-error")).ToHaveTextAsync("The two new passwords differ.");
    }
}
