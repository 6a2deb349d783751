using System.Net;
using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class TokensPageTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private readonly ConsoleApp app = fixture.App;

    [Fact]
    public async Task AViewer_MakesATokenFromTheUserMenu_SeesItOnce_UsesIt_AndRevokesIt()
    {
        await app.CreateUserAsync("tess", ConsoleWithTargetFixture.Password, Roles.Viewer);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "tess", ConsoleWithTargetFixture.Password, "/");
        await page.GetByRole(AriaRole.Link, new() { Name = "API tokens" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByText("You have no tokens yet.")).ToBeVisibleAsync();

        await page.GetByLabel("Token name").FillAsync("report-script");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        var shown = page.GetByTestId("new-token-value");
        await Expect(shown).ToContainTextAsync("ops_");
        var token = (await shown.TextContentAsync())!.Trim();
        Assert.Equal(HttpStatusCode.OK, await StatusWithTokenAsync(token));
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByTestId("token-report-script") });
        await Expect(row).ToContainTextAsync("read");
        await Expect(row).ToContainTextAsync("Active");

        await page.GetByLabel("Token name").FillAsync("report-script");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(page.GetByText("You already have a token named report-script")).ToBeVisibleAsync();

        await page.GotoAsync("/account/tokens");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("token-report-script")).ToBeVisibleAsync();
        Assert.DoesNotContain(token, await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke report-script" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(row).ToContainTextAsync("Revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync(token));
    }

    private async Task<HttpStatusCode> StatusWithTokenAsync(string token)
    {
        using var client = app.ApiClient(token);
        using var response = await client.GetAsync("/api/v1/changes");
        return response.StatusCode;
    }
}
