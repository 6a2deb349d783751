using Microsoft.Playwright;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class DemoShopPageTests(ConsoleAppFixture fixture, BrowserFixture browser, PostgresClusterFixture postgres)
    : IClassFixture<ConsoleAppFixture>
{
    [Fact]
    public async Task Admin_StartsTheShop_SeesCheckoutsCount_IsToldAboutABadSetting_AndStopsIt()
    {
        // The shop's own database in the shared targets cluster: the workload creates its tables and changes no settings.
        await fixture.App.Service<TargetRegistry>().EnsureRegisteredAsync("shop", TargetEnvironment.Other, await postgres.CreateTargetDatabaseAsync("shopui"));
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        await page.SignInAsync("admin", ConsoleApp.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Demo shop" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Demo shop", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("demo-shop-state")).ToHaveTextAsync("Stopped");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();

        await Expect(page.GetByTestId("demo-shop-state")).ToHaveTextAsync("Running");
        await Poll.UntilAsync(() => page.GetByTestId("demo-shop-succeeded").InnerTextAsync(), text => long.TryParse(text.Replace(",", ""), out var n) && n > 0,
            TimeSpan.FromSeconds(30), "successful checkouts on the page");

        await page.GetByLabel("Checkouts per second").FillAsync("0");
        await page.GetByTestId("demo-shop-apply").ClickAsync();
        await Expect(page.GetByText("RatePerSecond must be between 0.1 and 1000")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await Expect(page.GetByTestId("demo-shop-state")).ToHaveTextAsync("Stopped");
    }
}
