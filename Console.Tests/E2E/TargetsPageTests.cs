using Microsoft.Playwright;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class TargetsPageTests(ConsoleAppFixture fixture, BrowserFixture browser, PostgresClusterFixture postgres)
    : IClassFixture<ConsoleAppFixture>
{
    [Fact]
    public async Task Admin_RotatesTheConnection_PausesResumesAndRetiresATarget()
    {
        var first = await postgres.CreateTargetDatabaseAsync("edited_a");
        var second = await postgres.CreateTargetDatabaseAsync("edited_b");
        var targets = fixture.App.Service<TargetRegistry>();
        var id = await targets.RegisterAsync(Actor.System, "edited", TargetEnvironment.Staging, first);
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, "admin", ConsoleApp.AdminPassword, "/admin/targets");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Targets", Exact = true })).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();
        var status = page.GetByTestId("target-status-edited");

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit edited" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Edit edited" })).ToBeVisibleAsync();
        var dead = new NpgsqlConnectionStringBuilder(second) { Port = 1, Password = "Never-Shown-Secret" };
        await page.GetByLabel("New connection string").FillAsync(dead.ConnectionString);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test and save connection" }).ClickAsync();
        await Expect(page.GetByText("Could not connect to 127.0.0.1:1")).ToBeVisibleAsync();
        Assert.DoesNotContain("Never-Shown-Secret", await page.ContentAsync());
        Assert.Equal(new NpgsqlConnectionStringBuilder(first).Database, Database(await targets.GetAsync(id)));

        await page.GetByLabel("New connection string").FillAsync(second);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test and save connection" }).ClickAsync();
        await Expect(page.GetByText("New connection tested and saved.")).ToBeVisibleAsync();
        Assert.Equal(new NpgsqlConnectionStringBuilder(second).Database, Database(await targets.GetAsync(id)));

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause monitoring" }).ClickAsync();
        await Expect(status).ToHaveTextAsync("Paused");
        Assert.False((await targets.GetAsync(id)).IsMonitored);
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume monitoring" }).ClickAsync();
        await Expect(status).Not.ToHaveTextAsync("Paused");
        Assert.True((await targets.GetAsync(id)).IsMonitored);

        await page.GetByRole(AriaRole.Button, new() { Name = "Retire target" }).ClickAsync();
        await Expect(page.GetByText("Say why the target is retired.")).ToBeVisibleAsync();
        await page.GetByLabel("Reason to retire").FillAsync("Replaced by the new cluster");
        await page.GetByRole(AriaRole.Button, new() { Name = "Retire target" }).ClickAsync();

        await Expect(status).ToHaveTextAsync("Retired");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Edit edited" })).ToHaveCountAsync(0);
        Assert.True((await targets.GetAsync(id)).IsRetired);
    }

    private string Database(Target target) =>
        new NpgsqlConnectionStringBuilder(fixture.App.Service<TargetConnections>().Unprotect(target)).Database!;
}
