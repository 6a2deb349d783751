using System.Reflection;
using Bunit;
using OpsConsole.Domain.Locks;
using OpsConsole.Web.Components.Pages.Locks;

namespace OpsConsole.Tests.Components;

public sealed class LocksComponentsTests : ConsoleComponentContext
{
    private static Backend Session(int pid, string query = "UPDATE inventory SET qty = qty - 1 WHERE sku = 'A-1'", TimeSpan? wait = null) =>
        new(pid, "shop", "checkout", "10.0.0.7", "active", TimeSpan.FromSeconds(30), wait, query);

    private static LockWait Wait(int waiter, int blocker) => new(waiter, blocker, "ShareLock", $"transaction {blocker}00");

    /// <summary>A chain 101 ← 102 ← 103 (101 holds the lock) and a deadlock forming between 201 and 202.</summary>
    private static WaitForGraph ChainAndCycle() => WaitForGraph.Build(
        [Session(101, "UPDATE lock_demo SET v = v + 1 WHERE id = 1 /* the whole statement, not shortened in the table */"),
         Session(102, wait: TimeSpan.FromSeconds(3)), Session(103, wait: TimeSpan.FromMilliseconds(800)), Session(201), Session(202)],
        [Wait(102, 101), Wait(103, 102), Wait(201, 202), Wait(202, 201)]);

    private IRenderedComponent<WaitForGraphView> Graph(WaitForGraph graph, Action<int>? select = null, int maxNodes = GraphDrawing.DefaultMaxNodes) =>
        Render<WaitForGraphView>(p => p.Add(g => g.Graph, graph).Add(g => g.MaxNodes, maxNodes).Add(g => g.OnSelect, select ?? (_ => { })));

    [Fact]
    public void TheGraph_DrawsOneNodePerSession_AndOneArrowPerWait()
    {
        var view = Graph(ChainAndCycle());

        var pids = view.FindAll("g[data-pid]").Select(n => int.Parse(n.GetAttribute("data-pid")!)).Order();
        Assert.Equal([101, 102, 103, 201, 202], pids);
        var edges = view.FindAll("[data-testid=lock-edge]").Select(e => (e.GetAttribute("data-waiter"), e.GetAttribute("data-blocker"))).ToHashSet();
        Assert.Equal([("102", "101"), ("103", "102"), ("201", "202"), ("202", "201")], edges);
        // The lock is named on hover of its arrow.
        var edge = view.Find("[data-testid=lock-edge][data-waiter='102']");
        Assert.Equal("102 waits for 101: ShareLock on transaction 10100", edge.QuerySelector("title")!.TextContent);
        Assert.Empty(view.FindAll("[data-testid=lock-graph-more]"));
    }

    [Fact]
    public void AQueueOnOneRow_DrawsEachWaitTowardTheHead_AndLeavesQueueOrderToTheTable()
    {
        // 1 holds the row; 2 waits on 1; 3, 4 and 5 queue behind 2, and pg_blocking_pids also names those ahead of them.
        var graph = WaitForGraph.Build([Session(1), Session(2), Session(3), Session(4), Session(5)],
            [Wait(2, 1), Wait(3, 2), Wait(4, 2), Wait(4, 3), Wait(5, 2), Wait(5, 3), Wait(5, 4)]);

        var view = Graph(graph);

        var edges = view.FindAll("[data-testid=lock-edge]").Select(e => (e.GetAttribute("data-waiter"), e.GetAttribute("data-blocker"))).ToHashSet();
        Assert.Equal([("2", "1"), ("3", "2"), ("4", "2"), ("5", "2")], edges);
        Assert.Equal(4, graph.WaitingBehind(1));
    }

    [Fact]
    public void TheHeadBlocker_AndTheCycleMembers_AreMarkedDifferently()
    {
        var view = Graph(ChainAndCycle());

        var head = view.Find("[data-testid=lock-node-101]");
        Assert.Equal(("true", "false"), (head.GetAttribute("data-head"), head.GetAttribute("data-cycle")));
        Assert.Contains("head", head.ClassList);
        Assert.Contains("HEAD BLOCKER", head.TextContent);
        foreach (var pid in new[] { 201, 202 })
        {
            var member = view.Find($"[data-testid=lock-node-{pid}]");
            Assert.Equal(("false", "true"), (member.GetAttribute("data-head"), member.GetAttribute("data-cycle")));
            Assert.Contains("cycle", member.ClassList);
        }
        foreach (var pid in new[] { 102, 103 })
            Assert.Equal(("false", "false"), (view.Find($"[data-testid=lock-node-{pid}]").GetAttribute("data-head"),
                view.Find($"[data-testid=lock-node-{pid}]").GetAttribute("data-cycle")));
        Assert.Contains("waits 3.0 s", view.Find("[data-testid=lock-node-102]").TextContent);
        Assert.Contains("blocks 2", head.TextContent);
    }

    [Fact]
    public void ANode_IsSelectedByClick_AndByEnter()
    {
        var selected = new List<int>();
        var view = Graph(ChainAndCycle(), selected.Add);

        view.Find("[data-testid=lock-node-101]").Click();
        view.Find("[data-testid=lock-node-103]").KeyDown("Enter");
        view.Find("[data-testid=lock-node-103]").KeyDown("Tab");

        Assert.Equal([101, 103], selected);
        Assert.Equal("0", view.Find("[data-testid=lock-node-103]").GetAttribute("tabindex"));
    }

    [Fact]
    public void AGraphLargerThanTheCap_DrawsTheLargestTreesThatFit_AndCountsTheRest()
    {
        // Head 1 with four waiters (five sessions), head 50 with three (four sessions): a cap of six fits only the first.
        int[] big = [2, 3, 4, 5], small = [51, 52, 53];
        var graph = WaitForGraph.Build(new[] { 1, 50 }.Concat(big).Concat(small).Select(p => Session(p)),
            big.Select(w => Wait(w, 1)).Concat(small.Select(w => Wait(w, 50))));

        var view = Graph(graph, maxNodes: 6);

        var pids = view.FindAll("g[data-pid]").Select(n => int.Parse(n.GetAttribute("data-pid")!)).Order();
        Assert.Equal([1, 2, 3, 4, 5], pids);
        Assert.Contains("4 more sessions are in the table", view.Find("[data-testid=lock-graph-more]").TextContent);
    }

    [Fact]
    public void FoldedWaiters_OpenOnClick_AndOnEnter_AndFoldAgain()
    {
        // Head 1 with ten waiters, head 50 with six: three of each are drawn, the rest fold into "+N waiting".
        int[] first = [.. Enumerable.Range(2, 10)], second = [.. Enumerable.Range(51, 6)];
        var graph = WaitForGraph.Build(new[] { 1, 50 }.Concat(first).Concat(second).Select(p => Session(p)),
            first.Select(w => Wait(w, 1)).Concat(second.Select(w => Wait(w, 50))));
        var view = Graph(graph);
        int Drawn() => view.FindAll("g[data-pid]").Count;

        Assert.Equal(8, Drawn());
        var fold = view.Find("[data-testid=lock-fold-1]");
        Assert.Equal("7", fold.GetAttribute("data-count"));
        Assert.Contains("+7 waiting", fold.TextContent);
        Assert.Equal("+7 waiting: 7 more sessions wait behind session 1: show them", fold.GetAttribute("aria-label"));
        Assert.Equal(("0", "button"), (fold.GetAttribute("tabindex"), fold.GetAttribute("role")));

        fold.Click();
        Assert.Equal(15, Drawn());
        Assert.Empty(view.FindAll("[data-testid=lock-fold-1]"));
        view.Find("[data-testid=lock-fold-50]").KeyDown("Enter");
        Assert.Equal(18, Drawn());

        view.Find("[data-testid=lock-graph-fold-all]").Click();
        Assert.Equal(8, Drawn());
        Assert.Equal(2, view.FindAll("[data-testid^=lock-fold-]").Count);
    }

    [Fact]
    public void TheGraph_OffersFitAndZoom_WithNames_AndScalesItsWholeDrawingIntoThePanel()
    {
        var view = Graph(ChainAndCycle());

        var svg = view.Find("svg[data-graph-viewport]");
        Assert.Equal("0", svg.GetAttribute("tabindex"));
        Assert.Equal($"0 0 {svg.GetAttribute("data-extent")}", svg.GetAttribute("viewBox"));
        Assert.Equal("xMinYMin meet", svg.GetAttribute("preserveAspectRatio"));
        Assert.Null(svg.GetAttribute("width"));
        Assert.Equal("Fit the graph to the panel", view.Find("[data-testid=lock-graph-fit]").GetAttribute("aria-label"));
        Assert.Equal("Zoom in", view.Find("[data-testid=lock-graph-zoom-in]").GetAttribute("aria-label"));
        Assert.Equal("Zoom out", view.Find("[data-testid=lock-graph-zoom-out]").GetAttribute("aria-label"));
        Assert.Equal("polite", view.Find("[data-testid=lock-graph-status]").GetAttribute("aria-live"));
    }

    [Fact]
    public void TheTable_ListsEverySession_WithWhatItWaitsFor_AndTheFullQuery()
    {
        var table = Render<LockWaitTable>(p => p.Add(t => t.Graph, ChainAndCycle()));

        var rows = table.FindAll("[data-testid=lock-table] tbody tr");
        Assert.Equal(5, rows.Count);
        // Largest tree first, from its head down.
        Assert.StartsWith("101", rows[0].TextContent.Trim());
        var waiter = table.Find("[data-testid=lock-row-103]").ParentElement!;
        Assert.Equal("102", waiter.QuerySelector("[data-testid=lock-row-waiting-for]")!.TextContent.Trim());
        Assert.Contains("ShareLock", waiter.TextContent);
        Assert.Contains("transaction 10200", waiter.TextContent);
        Assert.Contains("800 ms", waiter.TextContent);
        Assert.Contains("the whole statement, not shortened in the table", rows[0].TextContent);
        // One line in the cell, the whole of it a click (or Enter) away: a disclosure, not a row click.
        var query = table.Find("[data-testid=lock-query-101] summary");
        Assert.EndsWith("the whole statement, not shortened in the table */", query.TextContent);
        Assert.Contains("head blocker", rows[0].TextContent);
    }

    [Fact]
    public void TheHistoryChart_MarksEveryMinuteWithDeadlocks_AndNoOther()
    {
        var from = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        LockMinute[] minutes = [Minute(from.AddMinutes(1), waiting: 3, deadlocks: 0), Minute(from.AddMinutes(2), waiting: 2, deadlocks: 1),
                                Minute(from.AddMinutes(7), waiting: 0, deadlocks: 2)];

        var chart = Render<LockHistoryChart>(p => p.Add(c => c.Minutes, minutes).Add(c => c.From, from).Add(c => c.To, from.AddMinutes(15)));

        var marks = chart.FindAll("[data-testid=deadlock-mark]");
        Assert.Equal(["2025-03-01T12:02Z", "2025-03-01T12:07Z"], marks.Select(m => m.GetAttribute("data-minute")));
        Assert.Equal(["1", "2"], marks.Select(m => m.GetAttribute("data-count")));
        Assert.Equal("peak 3", chart.Find("[data-testid=chart-waiting-peak]").TextContent);
    }

    [Fact]
    public void TheStatus_SaysUnreachable_WithTheSamplersError()
    {
        var since = new DateTimeOffset(2025, 3, 1, 12, 0, 5, TimeSpan.Zero);
        var status = Render<LockStatusBar>(p => p.Add(s => s.Status, new SamplerStatus(Guid.NewGuid(), false, "Connection refused", since)));

        Assert.Equal("unreachable: Connection refused (since 12:00:05 UTC+00:00; retrying)", status.Find("[data-testid=lock-unreachable]").TextContent.Trim());
        Assert.Equal("live", status.Find("[data-testid=lock-mode]").GetAttribute("data-mode"));
    }

    /// <summary>LockMinute is written only by the store's upsert; tests set its fields as the store would.</summary>
    private static LockMinute Minute(DateTimeOffset minute, int waiting, long deadlocks)
    {
        var row = (LockMinute)Activator.CreateInstance(typeof(LockMinute), nonPublic: true)!;
        foreach (var (name, value) in new (string, object)[] { ("Minute", minute), ("MaxWaiting", waiting), ("LongestWaitMs", waiting * 1000.0),
                     ("Deadlocks", deadlocks), ("Samples", 60) })
            typeof(LockMinute).GetProperty(name, BindingFlags.Public | BindingFlags.Instance)!.SetValue(row, value);
        return row;
    }
}
