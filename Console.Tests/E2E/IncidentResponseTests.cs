using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Incidents;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>The on-call path of an incident in the browser: from the notice on whatever page is open to the rollback.</summary>
public sealed class IncidentResponseTests(TargetFixture fixture, BrowserFixture browser) : IClassFixture<TargetFixture>
{
    [Fact]
    public async Task OnCall_SeesTheNotification_OpensTheIncident_AndRollsBackTheTopSuspectWithOneClick()
    {
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "25s", "Raise deadlock_timeout for the nightly batch");
        Assert.Equal("25s", await fixture.ShowAsync("deadlock_timeout"));
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, "oncall", TargetFixture.Password, "/changes");
        // The snackbar listens from just after the circuit's first render: a notice sent earlier would reach no one.
        await page.GetByTestId("incident-notices-listening").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        // A page-level alert through the console's own alert path, as a rule or an alert endpoint hands it over.
        var alert = new AlertSignal("api", $"checkout-failures-{Guid.NewGuid():N}", "Checkout failure rate", AlertLevel.Page, "checkout", "shop",
            "12 % of checkouts failed over 5 min (threshold 5 %, 240 attempts)", DateTimeOffset.UtcNow.AddMinutes(-1));
        var number = await fixture.App.Service<IAlertSink>().ReceiveAsync(alert, TestContext.Current.CancellationToken);
        Assert.NotNull(number);

        var snackbar = page.GetByTestId("incident-snackbar");
        await Expect(snackbar).ToContainTextAsync($"SEV2 incident #{number} opened: Checkout failure rate on checkout (shop)");
        await snackbar.GetByRole(AriaRole.Link, new() { Name = $"Open incident #{number}" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/incidents/{number}$"));
        await Expect(page.GetByTestId("incident-title")).ToContainTextAsync("Checkout failure rate on checkout (shop)");

        // The suspects are searched just after opening: the page shows them when they arrive.
        var top = page.GetByTestId("suspect").First;
        await Expect(top).ToHaveAttributeAsync("data-change", change.Number.ToString());
        await Expect(top).ToHaveAttributeAsync("data-rank", "1");

        // One click on Roll back, and Enter on the confirm the dialog opens focused, with the incident as the reason.
        await top.GetByRole(AriaRole.Button, new() { Name = $"Roll back change {change.Number}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm rollback" });
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason*", Exact = true }))
            .ToHaveValueAsync($"Incident #{number}: Checkout failure rate on checkout (shop)");
        await Expect(confirm).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(dialog.GetByTestId("rollback-outcome")).ToHaveTextAsync("Rolled back and verified.", new() { Timeout = 60_000 });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        await Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("Monitoring");
        await Expect(page.Locator($"[data-testid=suspect][data-change='{change.Number}']").GetByTestId("suspect-cause")).ToBeVisibleAsync();
        Assert.Equal("1s", await fixture.ShowAsync("deadlock_timeout"));

        await Expect(page.GetByTestId("incident-timeline").Locator("[data-kind=RollbackFinished]")).ToHaveCountAsync(1);
        var kinds = await page.GetByTestId("timeline-entry").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.kind)");
        var started = Array.IndexOf(kinds, "RollbackStarted");
        var finished = Array.IndexOf(kinds, "RollbackFinished");
        Assert.True(started >= 0 && started < finished && finished < Array.LastIndexOf(kinds, "StatusChanged"), string.Join(", ", kinds));

        // The store agrees with the page: the rollback ran with the incident's reason, under on-call's name.
        var stored = (await fixture.App.Service<IncidentQueries>().GetByNumberAsync(number!.Value))!;
        Assert.Equal(IncidentStatus.Monitoring, stored.Incident.Status);
        Assert.Equal(change.Id, stored.Incident.CauseChangeId);
        var rolledBack = (await fixture.App.Service<ChangeRegistry>().GetAsync(change.Id))!;
        Assert.Equal(ChangeStatus.RolledBack, rolledBack.Status);
        Assert.Equal("oncall", rolledBack.RolledBackBy);
        Assert.Equal($"Incident #{number}: Checkout failure rate on checkout (shop)", rolledBack.Transitions.Single(t => t.To == ChangeStatus.RolledBack).Note);
    }
}
