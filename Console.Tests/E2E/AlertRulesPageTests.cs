using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>/admin/alert-rules in Chromium: an admin edits a seeded rule (a refusal shows on its field first); a DBA is kept out.</summary>
public sealed class AlertRulesPageTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private const string FailureRate = "Checkout failure rate";

    [Fact]
    public async Task Admin_EditsASeededRule_AfterARefusalOnTheField()
    {
        await Poll.UntilAsync(() => fixture.App.Service<AlertRuleService>().ListAsync(), rules => rules.Any(r => r.Name == FailureRate),
            TimeSpan.FromSeconds(30), "the default rules seeded");
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        await page.SignInAsync("admin", ConsoleApp.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Alert rules" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Alert rules", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"rule-threshold-{FailureRate}")).ToHaveTextAsync("5 %");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {FailureRate}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Fires at").FillAsync("0.1");
        await dialog.GetByLabel("Clears below").FillAsync("0.5");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(dialog.GetByText("The clear threshold is above zero and at most the threshold")).ToBeVisibleAsync();

        await dialog.GetByLabel("Clears below").FillAsync("0.04");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByTestId($"rule-threshold-{FailureRate}")).ToHaveTextAsync("10 %");
        var saved = (await fixture.App.Service<AlertRuleService>().ListAsync()).Single(r => r.Name == FailureRate);
        Assert.Equal((0.1, 0.04, "admin"), (saved.Threshold, saved.ClearThreshold, saved.UpdatedBy));
    }

    [Fact]
    public async Task ADba_HasNoAlertRulesLink_AndIsRefusedThePage()
    {
        await fixture.App.CreateUserAsync("rules-dba", "Rules-Dba-Passw0rd!", Roles.Dba);
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        await page.SignInAsync("rules-dba", "Rules-Dba-Passw0rd!");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Locks" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Alert rules" })).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/alert-rules");

        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("alert-rules-table")).ToHaveCountAsync(0);
    }
}
