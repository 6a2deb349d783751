using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components;
using OpsConsole.Web.Components.Pages.Incidents;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class MonthlySummaryPageTests(TargetFixture fixture, BrowserFixture browser) : IClassFixture<TargetFixture>
{
    private IncidentService Incidents => fixture.App.Service<IncidentService>();

    private MonthlySummaryQuery Summary => fixture.App.Service<MonthlySummaryQuery>();

    [Fact]
    public async Task AViewer_OpensTheSummaryFromTheIncidentList_AndReadsThisMonthsIncidentsAndChangeFailureRate_UnderTheChart()
    {
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, "viewer", TargetFixture.Password, "/incidents");
        // Months are the viewer's: read the figures in the zone the browser told the console.
        var zone = ViewerTimeZone.Find(await page.EvaluateAsync<string>("() => Intl.DateTimeFormat().resolvedOptions().timeZone"));
        var month = ReportMonth.Of(DateTimeOffset.UtcNow, zone);
        var before = (await Summary.ReadAsync(month, month, zone)).Single();

        var rolledBack = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "25s");
        await fixture.AppliedSettingChangeAsync("work_mem", "8MB");
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident($"Deadlocks at checkout {Guid.NewGuid():N}", IncidentSeverity.Sev2, "checkout",
            fixture.TargetId));
        await Incidents.OpenAsync(fixture.OnCall, new NewIncident($"Card payments slow {Guid.NewGuid():N}", IncidentSeverity.Sev3, "checkout"));
        var outcome = await Incidents.RollBackSuspectAsync(fixture.OnCall, incident.Id, new RollbackRequest(rolledBack.Id, "Deadlocks at peak"));
        Assert.True(outcome.Succeeded, outcome.Message);
        var after = (await Summary.ReadAsync(month, month, zone)).Single();
        Assert.Equal((before.Incidents + 2, before.ChangesApplied + 2, before.FailedChanges + 1), (after.Incidents, after.ChangesApplied, after.FailedChanges));

        await page.GotoAsync("/incidents");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Monthly summary" })).ToBeVisibleAsync();
        await page.GetByTestId("incidents-summary-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/incidents/summary$"));
        await page.WaitForInteractiveAsync();

        var row = page.Locator($"[data-testid=monthly-summary-table] tr[data-month='{month}']");
        await Expect(row.GetByTestId("month-incidents")).ToHaveTextAsync(after.Incidents.ToString());
        await Expect(row.GetByTestId("month-changes-applied")).ToHaveTextAsync(after.ChangesApplied.ToString());
        await Expect(row.GetByTestId("month-changes-failed")).ToHaveTextAsync(after.FailedChanges.ToString());
        await Expect(row.GetByTestId("month-change-failure-rate")).ToHaveTextAsync($"{after.ChangeFailureRate!.Value * 100:0.#} %");
        await Expect(page.Locator("[data-testid=monthly-summary-table] tr[data-month]")).ToHaveCountAsync(6);
        var chart = page.GetByTestId("monthly-summary-chart");
        await Expect(chart.Locator("svg").First).ToBeVisibleAsync();
        await Expect(chart).ToHaveAttributeAsync("aria-label",
            new Regex($"{MonthlySummaryFormat.MonthName(month)}: {after.Incidents} incidents"));

        // A wider range from the keyboard: the quick ranges are a group of toggles.
        var twelve = page.GetByRole(AriaRole.Group, new() { Name = "Quick range" }).GetByRole(AriaRole.Checkbox, new() { Name = "12 months" });
        await twelve.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(twelve).ToBeCheckedAsync();
        await Expect(page.Locator("[data-testid=monthly-summary-table] tr[data-month]")).ToHaveCountAsync(12);
        await Expect(page).ToHaveURLAsync(new Regex($"/incidents/summary\\?from={month.Back(11)}&to={month}$"));
    }
}
