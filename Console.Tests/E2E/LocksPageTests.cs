using Microsoft.Playwright;
using Npgsql;
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

    [Fact]
    public async Task AChainOfFive_AndASecondTree_FitInsideThePanel_AfterFit_At1280And2560PixelsWide()
    {
        var page = await LocksPageAsync("viewer");
        await page.SetViewportSizeAsync(1280, 800);
        await Expect(page.GetByTestId("locks-nothing-waits")).ToBeVisibleAsync();

        // A true chain over rows 1..4 (each holds one row and waits for the next one down), five columns wide, and a
        // second head on row 5: wider than the panel at 1280 px at natural size.
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var chain = new List<LockContention.Session>();
        for (var i = 0; i < 5; i++)
            chain.Add(await contention.BeginAsync());
        for (var row = 1; row <= 4; row++)
            await chain[row - 1].UpdateAsync(row);
        var waits = new Task[5];
        for (var i = 4; i >= 1; i--)
            waits[i] = chain[i].UpdateAsync(i); // chain[i] waits for row i, which chain[i - 1] holds
        var (head, waiter) = (await contention.BeginAsync(), await contention.BeginAsync());
        await head.UpdateAsync(5);
        waits[0] = waiter.UpdateAsync(5);
        int[] pids = [.. chain.Select(s => s.Pid), head.Pid, waiter.Pid];
        foreach (var pid in pids)
            await Expect(Node(page, pid)).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid=lock-edge][data-waiter='{chain[4].Pid}'][data-blocker='{chain[3].Pid}']")).ToHaveCountAsync(1);

        // The head's tag is in its own lane, above the title, not over it.
        var tag = await BoxAsync(Node(page, chain[0].Pid).GetByTestId("lock-node-tag"));
        var title = await BoxAsync(Node(page, chain[0].Pid).GetByTestId("lock-node-title"));
        Assert.True(tag.Y + tag.Height <= title.Y + 0.5, $"the tag ({tag.Y}+{tag.Height}) overlaps the title (from {title.Y})");

        // Zoomed in from the keyboard, boxes leave the panel (so the check below can fail); "+" is announced.
        var graph = page.Locator("svg[data-graph-viewport]");
        await graph.FocusAsync();
        for (var i = 0; i < 4; i++)
            await page.Keyboard.PressAsync("+");
        await Expect(page.GetByTestId("lock-graph-status")).ToContainTextAsync("Zoom");
        Assert.NotEmpty(await OutsideThePanelAsync(page, pids));

        foreach (var width in new[] { 1280, 2560 })
        {
            await page.SetViewportSizeAsync(width, width == 1280 ? 800 : 1440);
            await page.GetByRole(AriaRole.Button, new() { Name = "Fit the graph to the panel" }).ClickAsync();
            await Expect(page.GetByTestId("lock-graph-status")).ToHaveTextAsync("Graph fitted to the panel");
            Assert.Empty(await OutsideThePanelAsync(page, pids));
            // The wheel zooms where the pointer is; Fit undoes it again.
            var fitted = await graph.GetAttributeAsync("viewBox");
            var box = await BoxAsync(graph);
            await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
            await page.Mouse.WheelAsync(0, -400);
            await Expect(graph).Not.ToHaveAttributeAsync("viewBox", fitted!);
        }
        await graph.FocusAsync();
        await page.Keyboard.PressAsync("0");
        Assert.Empty(await OutsideThePanelAsync(page, pids));

        // Unwound head first, so every wait ends granted.
        await head.RollbackAsync();
        await waits[0];
        for (var i = 0; i < 5; i++)
        {
            await chain[i].RollbackAsync();
            if (i < 4)
                await waits[i + 1];
        }
        await waiter.RollbackAsync();
    }

    /// <summary>The sessions whose box is not wholly inside the graph's visible panel (a pixel of rounding allowed).</summary>
    private static async Task<List<int>> OutsideThePanelAsync(IPage page, IEnumerable<int> pids)
    {
        var panel = await BoxAsync(page.GetByTestId("lock-graph"));
        var outside = new List<int>();
        foreach (var pid in pids)
        {
            var box = await BoxAsync(Node(page, pid));
            if (box.X < panel.X - 1 || box.Y < panel.Y - 1 || box.X + box.Width > panel.X + panel.Width + 1 || box.Y + box.Height > panel.Y + panel.Height + 1)
                outside.Add(pid);
        }
        return outside;
    }

    [Fact]
    public async Task SixSessionsWaitingOnOneHead_ShowThree_AndFoldTheRestIntoPlusThree_ThatOpensOnClick()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        await head.ExecuteAsync("LOCK TABLE lock_demo IN ACCESS EXCLUSIVE MODE");
        var waiters = new List<LockContention.Session>();
        var waits = new List<Task>();
        for (var i = 0; i < 6; i++)
        {
            var waiter = await contention.BeginAsync();
            waiters.Add(waiter);
            waits.Add(waiter.ExecuteAsync("SELECT count(*) FROM lock_demo"));
        }

        var page = await LocksPageAsync("viewer");
        await Expect(page.GetByTestId("figure-waiting-value")).ToHaveTextAsync("6");
        var fold = page.GetByTestId($"lock-fold-{head.Pid}");
        await Expect(fold).ToHaveAttributeAsync("data-count", "3");
        await Expect(fold).ToContainTextAsync("+3 waiting");
        await Expect(page.Locator("g[data-pid]")).ToHaveCountAsync(4);
        // The table still lists every one of them.
        foreach (var waiter in waiters)
            await Expect(page.GetByTestId($"lock-row-{waiter.Pid}")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = $"3 more sessions wait behind session {head.Pid}: show them" }).ClickAsync();
        await Expect(page.Locator("g[data-pid]")).ToHaveCountAsync(7);
        await Expect(fold).ToHaveCountAsync(0);
        foreach (var waiter in waiters)
            await Expect(Node(page, waiter.Pid)).ToBeVisibleAsync();

        // The graph under contention passes axe too (the accessibility test sees the page with nothing waiting).
        var violations = await Axe.ViolationsAsync(page);
        Assert.True(violations.Count == 0, string.Join("\n", violations));

        await page.GetByTestId("lock-graph-fold-all").ClickAsync();
        await Expect(page.Locator("g[data-pid]")).ToHaveCountAsync(4);
        // From the keyboard: the fold is focusable and Enter opens it.
        await fold.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("g[data-pid]")).ToHaveCountAsync(7);

        await head.RollbackAsync();
        await Task.WhenAll(waits);
    }

    [Fact]
    public async Task ATargetThatStopsAnswering_KeepsItsLastGraphOnScreen_MarkedStale_WithTheWaitersTheViewerOpened()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        await head.ExecuteAsync("LOCK TABLE lock_demo IN ACCESS EXCLUSIVE MODE");
        var waits = new List<Task>();
        for (var i = 0; i < 6; i++)
            waits.Add((await contention.BeginAsync()).ExecuteAsync("SELECT count(*) FROM lock_demo"));

        var page = await LocksPageAsync("viewer");
        await page.GetByRole(AriaRole.Button, new() { Name = $"3 more sessions wait behind session {head.Pid}: show them" }).ClickAsync();
        await Expect(page.Locator("g[data-pid]")).ToHaveCountAsync(7);
        await Expect(page.GetByTestId("lock-stale")).ToHaveCountAsync(0);

        await fixture.TargetCluster.StopAsync();
        try
        {
            await Expect(page.GetByTestId("lock-unreachable")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("lock-stale")).ToContainTextAsync("The last sample, taken at");
            await Expect(page.Locator("g[data-pid]")).ToHaveCountAsync(7);
            await Expect(page.GetByTestId($"lock-row-{head.Pid}")).ToBeVisibleAsync();
        }
        finally
        {
            await fixture.TargetCluster.RestartAsync(TestContext.Current.CancellationToken);
        }

        // The stop ended every session: once the target answers again, the page is live and nothing waits.
        foreach (var wait in waits)
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => wait);
        await Expect(page.GetByTestId("locks-nothing-waits")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("lock-stale")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("lock-unreachable")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TheQueryColumn_ShowsTheStartOfALongQuery_AndTheWholeOfItOneClickAway()
    {
        const string Query = "SELECT count(*) FROM lock_demo /* a long statement: the table shows its start on one line, and the whole of it, " +
            "down to this very last word, one click away for reading and for copying into the incident ticket */";
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        await head.ExecuteAsync("LOCK TABLE lock_demo IN ACCESS EXCLUSIVE MODE");
        var waiter = await contention.BeginAsync();
        var waits = waiter.ExecuteAsync(Query);

        var page = await LocksPageAsync("viewer");
        await page.SetViewportSizeAsync(1280, 800);
        var details = page.GetByTestId($"lock-query-{waiter.Pid}");
        var summary = details.Locator("summary");
        await Expect(summary).ToHaveTextAsync(Query);
        await Expect(summary).ToBeVisibleAsync();
        var closed = await BoxAsync(summary);
        // At 1280 px the column is on screen without scrolling the table sideways, and wide enough to read.
        Assert.True(closed.Width >= 200, $"the query column is {closed.Width} px wide");
        Assert.True(closed.X + closed.Width <= 1280, $"the query column ends at {closed.X + closed.Width} px, off screen");
        // Polled: the live rows are redrawn with every sample.
        await Poll.UntilAsync(() => summary.EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth"), cut => cut, TimeSpan.FromSeconds(15),
            "a long query cut with an ellipsis, on one line");

        await summary.ClickAsync();
        await Expect(details).ToHaveAttributeAsync("open", "");
        await Poll.UntilAsync(() => summary.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), whole => whole, TimeSpan.FromSeconds(15),
            "the whole query shown once opened");
        await Poll.UntilAsync(() => BoxAsync(summary), open => open.Height > closed.Height * 1.5, TimeSpan.FromSeconds(15),
            "the whole query wrapped over several lines");
        // The click opened the query; it did not select the session. It stays open while the live page redraws.
        await Expect(page.GetByTestId("session-details")).ToHaveCountAsync(0);
        var longest = page.GetByTestId("figure-longest-value");
        for (var redraw = 0; redraw < 2; redraw++)
            await Expect(longest).Not.ToHaveTextAsync(await longest.TextContentAsync() ?? "");
        await Expect(details).ToHaveAttributeAsync("open", "");

        // And from the keyboard. The focus stays on the query while the live page redraws: the row is the session's, not the
        // sample's, so its elements are kept (were they replaced, the focus would fall back to the page, and a click between
        // its press and its release would be lost).
        await summary.FocusAsync();
        for (var redraw = 0; redraw < 2; redraw++)
            await Expect(longest).Not.ToHaveTextAsync(await longest.TextContentAsync() ?? "");
        await Expect(summary).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(details).Not.ToHaveAttributeAsync("open", "");

        await head.RollbackAsync();
        await waits;
    }

    /// <summary>
    /// The element's box. The live rows are redrawn with every sample, and a box read while its row is swapped is none
    /// (seen in CI): the next read, a moment later, has it.
    /// </summary>
    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator element) =>
        (await Poll.UntilAsync(() => element.BoundingBoxAsync(), box => box is not null, TimeSpan.FromSeconds(15), "the element on screen"))!;

    private static string Key(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'");
}
