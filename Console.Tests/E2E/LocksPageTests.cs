using Microsoft.Playwright;
using OpsConsole.Domain.Locks;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>The Locks page against real sessions on a real target, sampled every half second.</summary>
public sealed class LocksPageTests(LocksFixture fixture, BrowserFixture browser) : IClassFixture<LocksFixture>
{
    private Task<IPage> LocksPageAsync(string user) => browser.SignedInPageAsync(fixture.App.BaseUrl, user, LocksFixture.Password, "/locks?target=shop");

    private static ILocator Node(IPage page, int pid) => page.GetByTestId($"lock-node-{pid}");

    [Fact]
    public async Task AChainOfThreeSessions_IsDrawnLive_WithItsHead_AndGoesWhenReleased_AViewerSeesNoTerminate()
    {
        var page = await LocksPageAsync("viewer");
        await Expect(page.GetByTestId("locks-nothing-waits")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("lock-mode")).ToHaveAttributeAsync("data-mode", "live");

        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var a = await contention.BeginAsync();
        var b = await contention.BeginAsync();
        var c = await contention.BeginAsync();
        await a.UpdateAsync(1);
        var bWaits = b.UpdateAsync(1);
        await Expect(Node(page, b.Pid)).ToBeVisibleAsync(); // so that C queues behind B, not beside it
        var cWaits = c.UpdateAsync(1);

        await Expect(Node(page, c.Pid)).ToBeVisibleAsync();
        await Expect(Node(page, a.Pid)).ToHaveAttributeAsync("data-head", "true");
        await Expect(Node(page, b.Pid)).ToHaveAttributeAsync("data-head", "false");
        await Expect(Node(page, c.Pid)).ToHaveAttributeAsync("data-head", "false");
        await Expect(page.Locator($"[data-testid=lock-edge][data-waiter='{b.Pid}'][data-blocker='{a.Pid}']")).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-testid=lock-edge][data-waiter='{c.Pid}']")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("figure-heads-value")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("figure-waiting-value")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId($"lock-row-{c.Pid}")).ToBeVisibleAsync();

        // Enter on the focused head opens its details with the full query; a Viewer is offered no action.
        await Node(page, a.Pid).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var details = page.GetByTestId("session-details");
        await Expect(details).ToContainTextAsync($"Session {a.Pid}");
        await Expect(details.GetByTestId("session-query")).ToHaveTextAsync("UPDATE lock_demo SET v = v + 1 WHERE id = 1");
        await Expect(details.GetByTestId("session-blocks")).ToContainTextAsync(b.Pid.ToString());
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Terminate session" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel query" })).ToHaveCountAsync(0);

        // Paused, the page keeps the chain on screen while the sampler sees it gone; Resume shows the present.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause live" }).ClickAsync();
        await Expect(page.GetByTestId("lock-mode")).ToHaveAttributeAsync("data-mode", "paused");
        await a.RollbackAsync();
        await bWaits;
        await b.RollbackAsync();
        await cWaits;
        await c.RollbackAsync();
        var monitor = fixture.App.Service<LockMonitor>();
        var cleared = await Poll.UntilAsync(() => Task.FromResult(monitor.Latest(fixture.TargetId)), s => s is { Graph.IsEmpty: true },
            TimeSpan.FromSeconds(30), "the sampler to see the chain gone");
        // Two more ticks: a live page would have redrawn by then.
        await Poll.UntilAsync(() => Task.FromResult(monitor.Latest(fixture.TargetId)!.At), at => at > cleared!.At.AddSeconds(1),
            TimeSpan.FromSeconds(30), "two more samples");
        await Expect(Node(page, a.Pid)).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.GetByTestId("lock-mode")).ToHaveAttributeAsync("data-mode", "live");
        await Expect(page.GetByTestId("locks-nothing-waits")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid^=lock-node-]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ARealDeadlock_IsMarkedOnTheHistoryChartForItsMinute_AndItsMomentCanBeReplayed()
    {
        var page = await LocksPageAsync("viewer");
        await Expect(page.GetByTestId("lock-history")).ToBeVisibleAsync();
        var before = DateTimeOffset.UtcNow;

        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var first = await contention.BeginAsync();
        var second = await contention.BeginAsync();
        await first.UpdateAsync(1);
        await second.UpdateAsync(2);
        var firstWaits = LockContention.OutcomeOf(first.UpdateAsync(2));
        var secondWaits = LockContention.OutcomeOf(second.UpdateAsync(1));
        // deadlock_timeout (1 s) later, PostgreSQL cancels one of the two with 40P01 and the other gets its lock.
        var outcomes = await Task.WhenAll(firstWaits, secondWaits);
        Assert.Equal(["40P01", "ok"], outcomes.Order());
        await first.RollbackAsync();
        await second.RollbackAsync();
        var after = DateTimeOffset.UtcNow.AddSeconds(5);

        string[] minutes = [Key(before), Key(after)];
        var mark = page.Locator(string.Join(", ", minutes.Distinct().Select(m => $"[data-testid=deadlock-mark][data-minute='{m}']")));
        await Expect(mark.First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("figure-deadlocks-hour-value")).ToHaveTextAsync("1");

        await page.GetByTestId("deadlock-moment").First.ClickAsync();
        await Expect(page.GetByTestId("lock-mode")).ToHaveAttributeAsync("data-mode", "history");
        await Expect(page.GetByTestId("lock-mode")).ToContainTextAsync("history: ");
        await page.GetByTestId("back-to-live").ClickAsync();
        await Expect(page.GetByTestId("lock-mode")).ToHaveAttributeAsync("data-mode", "live");
    }

    [Fact]
    public async Task ADba_TerminatesTheHeadBlocker_WithAReason_AndTheChainClears()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        var waiter = await contention.BeginAsync();
        await head.UpdateAsync(3);
        var waits = waiter.UpdateAsync(3);

        var page = await LocksPageAsync("dba1");
        await Node(page, head.Pid).ClickAsync();
        var details = page.GetByTestId("session-details");
        await details.GetByRole(AriaRole.Button, new() { Name = "Terminate session" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync($"Session {head.Pid}");
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Terminate session" });
        await confirm.ClickAsync();
        await Expect(dialog.GetByText("Say why: the reason goes into the audit trail.")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason*", Exact = true }).FillAsync("Holds row 3 of lock_demo; checkout waits behind it.");
        await confirm.ClickAsync();

        await Expect(page.GetByTestId("session-action-result")).ToHaveTextAsync($"Session {head.Pid} was terminated.");
        await waits; // the waiter got its lock
        await waiter.RollbackAsync();
        await Expect(page.GetByTestId("locks-nothing-waits")).ToBeVisibleAsync();
    }

    private static string Key(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'");
}
