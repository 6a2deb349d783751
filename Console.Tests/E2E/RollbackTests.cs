using Microsoft.Playwright;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class RollbackTests(TargetFixture fixture, BrowserFixture browser) : IClassFixture<TargetFixture>
{
    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();

    private Task<IPage> SignedInAsync(string user, string path) => browser.SignedInPageAsync(fixture.App.BaseUrl, user, TargetFixture.Password, path);

    private static string Unique(string text) => $"{text} {Guid.NewGuid().ToString("N")[..8]}";

    private async Task<ConfigChange> ApproveAndApplyAsync(ConfigChange change)
    {
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        var applied = await fixture.App.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id);
        Assert.True(applied.Succeeded, applied.Message);
        return change;
    }

    private static ILocator Dialog(IPage page) => page.GetByRole(AriaRole.Dialog);

    private static async Task ExpectAllStepsDoneAsync(ILocator dialog)
    {
        foreach (var step in Enum.GetValues<RollbackStep>())
            await Expect(dialog.GetByTestId($"step-{step}")).ToHaveAttributeAsync("data-state", "ok");
    }

    [Fact]
    public async Task OnCallRollsBackAnAppliedSetting_SeesEveryStep_AndAnotherOpenPageFollows()
    {
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "30s");
        var watcher = await SignedInAsync("dba1", $"/changes/{change.Number}");
        await Expect(watcher.GetByTestId("status-chip")).ToHaveTextAsync("Applied");

        var page = await SignedInAsync("oncall", $"/changes/{change.Number}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rollback", Exact = true }).ClickAsync();
        var dialog = Dialog(page);
        await Expect(dialog.GetByTestId("rollback-now")).ToHaveTextAsync("30000 ms");
        await Expect(dialog.GetByTestId("rollback-restored")).ToHaveTextAsync("1000 ms");
        await Expect(dialog.GetByTestId("rollback-procedure")).ToContainTextAsync("ALTER SYSTEM RESET deadlock_timeout");
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason*", Exact = true }).FillAsync("Deadlock reports came too late during the incident.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm rollback" }).ClickAsync();

        await ExpectAllStepsDoneAsync(dialog);
        await Expect(dialog.GetByTestId("rollback-outcome")).ToHaveTextAsync("Rolled back and verified.");
        await Expect(dialog.GetByTestId("step-Execute")).ToContainTextAsync("ALTER SYSTEM RESET deadlock_timeout");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        await Expect(Dialog(page)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("status-chip")).ToHaveTextAsync("Rolled back");
        await Expect(page.GetByTestId("rolled-back")).ToContainTextAsync("by oncall");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Rollback", Exact = true })).ToHaveCountAsync(0);
        // The other user's open page follows without a reload.
        await Expect(watcher.GetByTestId("status-chip")).ToHaveTextAsync("Rolled back");
        await Expect(watcher.GetByTestId("rolled-back")).ToContainTextAsync("by oncall");
        Assert.Equal("1s", await fixture.ShowAsync("deadlock_timeout"));
    }

    [Fact]
    public async Task ASettingChangedAgainOnTheTarget_IsShownAsChangedAgain_AndRollBackAnywayCompletesIt()
    {
        var change = await fixture.AppliedSettingChangeAsync("lock_timeout", "2s");
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET lock_timeout = '7s'", "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => fixture.ShowAsync("lock_timeout"), v => v == "7s", TimeSpan.FromSeconds(30), "the manual change to show");

        var page = await SignedInAsync("oncall", $"/changes/{change.Number}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rollback", Exact = true }).ClickAsync();
        var dialog = Dialog(page);
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason*", Exact = true }).FillAsync("Lock waits pile up.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm rollback" }).ClickAsync();

        await Expect(dialog.GetByTestId("step-Precheck")).ToHaveAttributeAsync("data-state", "failed");
        await Expect(dialog.GetByTestId("rollback-outcome")).ToContainTextAsync("was changed again since: it is 7000 ms");
        Assert.Equal("7s", await fixture.ShowAsync("lock_timeout"));

        // Anyway needs a reason of its own.
        var anyway = dialog.GetByRole(AriaRole.Button, new() { Name = "Roll back anyway" });
        await anyway.ClickAsync();
        await Expect(dialog.GetByText("Say why it is rolled back although it was changed again.")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason to roll back anyway*", Exact = true }).FillAsync("The 7s was a stop-gap during the incident.");
        await anyway.ClickAsync();

        await ExpectAllStepsDoneAsync(dialog);
        await Expect(dialog.GetByTestId("step-Precheck")).ToContainTextAsync("Rolling back anyway.");
        await Expect(dialog.GetByTestId("rollback-outcome")).ToHaveTextAsync("Rolled back and verified.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.GetByTestId("status-chip")).ToHaveTextAsync("Rolled back");
        Assert.Equal("0", await fixture.ShowAsync("lock_timeout"));
    }

    [Fact]
    public async Task AViewerSeesNoRollback_WhileOnCallRollsBackFromTheList()
    {
        var title = Unique("Add a scratch table");
        var change = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "CREATE TABLE IF NOT EXISTS rollback_scratch (id int)", "DROP TABLE IF EXISTS rollback_scratch",
            new ChangeDetails(title, "A test table.", null, ChangeRisk.Low, null), SubmitForReview: true));
        await ApproveAndApplyAsync(change);

        var viewer = await SignedInAsync("viewer", $"/changes/{change.Number}");
        await Expect(viewer.GetByTestId("status-chip")).ToHaveTextAsync("Applied");
        await Expect(viewer.GetByTestId("no-actions")).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Rollback", Exact = true })).ToHaveCountAsync(0);
        await viewer.GotoAsync("/changes");
        await viewer.WaitForInteractiveAsync();
        await viewer.GetByLabel("Search changes").FillAsync(title);
        await Expect(viewer.GetByTestId("changes-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = $"Rollback change {change.Number}" })).ToHaveCountAsync(0);

        var page = await SignedInAsync("oncall", "/changes");
        await page.GetByLabel("Search changes").FillAsync(title);
        var row = page.GetByTestId("changes-table").Locator("tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Rollback change {change.Number}" }).ClickAsync();
        var dialog = Dialog(page);
        await Expect(dialog.GetByTestId("rollback-dialog-script")).ToHaveTextAsync("DROP TABLE IF EXISTS rollback_scratch");
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm rollback" });
        await confirm.ClickAsync();
        await Expect(dialog.GetByText("Say why the change is rolled back.")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason*", Exact = true }).FillAsync("Not needed after all.");
        await confirm.ClickAsync();

        await ExpectAllStepsDoneAsync(dialog);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(row.GetByTestId("status-chip")).ToHaveTextAsync("Rolled back");
        // The viewer's open list follows without a reload.
        await Expect(viewer.GetByTestId("changes-table").Locator("tbody tr").GetByTestId("status-chip")).ToHaveTextAsync("Rolled back");
        Assert.Equal(0L, await fixture.ScalarOnTargetAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'rollback_scratch'"));
    }
}
