using System.Net;
using Microsoft.Playwright;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class ApiKeysTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private readonly ConsoleApp app = fixture.App;

    [Fact]
    public async Task Admin_CreatesAKey_SeesItOnce_AndRevokesIt()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin", ConsoleApp.AdminPassword, "/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();

        await page.GetByLabel("Key name").FillAsync("deploy-pipeline");
        await page.GetByLabel("read", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        var shown = page.GetByTestId("new-key-value");
        await Expect(shown).ToContainTextAsync("ops_");
        var key = (await shown.TextContentAsync())!.Trim();
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(key));
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByTestId("key-deploy-pipeline") });
        await Expect(row).ToContainTextAsync("changes:write, read");
        await Expect(row).ToContainTextAsync("Active");

        await page.GotoAsync("/admin/api-keys");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("key-deploy-pipeline")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("new-key-alert")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke deploy-pipeline" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(row).ToContainTextAsync("Revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(key));
    }

    private async Task<HttpStatusCode> StatusWithKeyAsync(string key)
    {
        using var client = app.ApiClient(key);
        using var response = await client.GetAsync("/api/v1/changes");
        return response.StatusCode;
    }
}
