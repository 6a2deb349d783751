using OpsConsole.Domain.Locks;
using OpsConsole.Web.Components.Pages.Locks;

namespace OpsConsole.Tests.Components;

/// <summary>The wait-for graph's layout, pure: lanes inside a box, boxes on the page, and which waiters fold.</summary>
public sealed class GraphDrawingTests
{
    private static Backend Session(int pid, string application = "checkout", TimeSpan? wait = null) =>
        new(pid, "shop", application, "10.0.0.7", "active", TimeSpan.FromSeconds(30), wait, "UPDATE inventory SET qty = qty - 1 WHERE sku = 'A-1'");

    private static LockWait Wait(int waiter, int blocker) => new(waiter, blocker, "ShareLock", $"transaction {blocker}");

    /// <summary>
    /// 300 sessions: head 1 with 120 sessions waiting on it and a chain 2 ← 3 ← 4 ← 5 that 30 more wait behind; head 10
    /// with 102 waiting; and a deadlock forming between 20 and 21 with 40 waiting on 20.
    /// </summary>
    private static WaitForGraph ThreeHundred()
    {
        var waits = new List<LockWait>();
        waits.AddRange(Enumerable.Range(1000, 120).Select(w => Wait(w, 1)));
        waits.AddRange([Wait(2, 1), Wait(3, 2), Wait(4, 3), Wait(5, 4)]);
        waits.AddRange(Enumerable.Range(1200, 30).Select(w => Wait(w, 5)));
        waits.AddRange(Enumerable.Range(2000, 102).Select(w => Wait(w, 10)));
        waits.AddRange([Wait(20, 21), Wait(21, 20)]);
        waits.AddRange(Enumerable.Range(3000, 40).Select(w => Wait(w, 20)));
        var pids = waits.SelectMany(w => new[] { w.WaiterPid, w.BlockerPid }).Distinct();
        // Each waiter's wait is its own: the longest waits show first among sessions that block nobody.
        return WaitForGraph.Build(pids.Select(p => Session(p, wait: TimeSpan.FromMilliseconds(p % 97))), waits);
    }

    private static IEnumerable<Box> Boxes(GraphDrawing drawing) => drawing.Nodes.Select(n => n.Bounds).Concat(drawing.Folds.Select(f => f.Bounds));

    [Fact]
    public void Tags_HaveALaneOfTheirOwn_AndNeverOverlapTheTitle()
    {
        var graph = WaitForGraph.Build(
            [Session(101, "a very long application name that would run over any tag"), Session(102), Session(201, "checkout-service-with-a-long-name"),
             Session(202, "")],
            [Wait(102, 101), Wait(201, 202), Wait(202, 201)]);

        var drawing = GraphDrawing.Of(graph);

        var node = new Box(0, 0, GraphDrawing.NodeWidth, GraphDrawing.NodeHeight);
        Assert.Equal(4, drawing.Nodes.Count);
        Assert.Equal(["HEAD BLOCKER"], drawing.Nodes.Single(n => n.Backend.Pid == 101).Tags.Select(t => t.Text));
        Assert.Equal(["DEADLOCK"], drawing.Nodes.Single(n => n.Backend.Pid == 201).Tags.Select(t => t.Text));
        Assert.Empty(drawing.Nodes.Single(n => n.Backend.Pid == 102).Tags);
        foreach (var drawn in drawing.Nodes)
        {
            // The title is cut to its lane, whatever the application's name.
            Assert.True(drawn.Title.Length * GraphDrawing.TitleCharWidth <= GraphDrawing.TitleBox.Width, $"{drawn.Title} is wider than its lane");
            Assert.True(node.Contains(GraphDrawing.TitleBox));
            foreach (var tag in drawn.Tags)
            {
                Assert.False(tag.Box.Overlaps(GraphDrawing.TitleBox), $"{tag.Text} overlaps the title of {drawn.Backend.Pid}");
                Assert.True(node.Contains(tag.Box), $"{tag.Text} runs out of its node");
                Assert.True(tag.Text.Length * GraphDrawing.TagCharWidth <= tag.Box.Width);
            }
        }
        Assert.StartsWith("101 · a very long", drawing.Nodes.Single(n => n.Backend.Pid == 101).Title);
        Assert.EndsWith("…", drawing.Nodes.Single(n => n.Backend.Pid == 101).Title);
        Assert.Equal("202 · shop", drawing.Nodes.Single(n => n.Backend.Pid == 202).Title);
    }

    [Fact]
    public void BothTags_WhenASessionHasBoth_SitSideBySideInTheirLane()
    {
        var tags = GraphDrawing.TagsOf(isHead: true, inCycle: true);

        Assert.Equal(["DEADLOCK", "HEAD BLOCKER"], tags.Select(t => t.Text));
        Assert.False(tags[0].Box.Overlaps(tags[1].Box));
        Assert.All(tags, t => Assert.False(t.Box.Overlaps(GraphDrawing.TitleBox)));
        Assert.True(tags[1].Box.X + tags[1].Box.Width <= GraphDrawing.NodeWidth - GraphDrawing.Padding);
    }

    [Fact]
    public void A300SessionGraph_DrawsHeadsCyclesAndChains_AndFoldsTheRest_CountingEverySession()
    {
        var graph = ThreeHundred();
        Assert.Equal(300, graph.Nodes.Count);

        var drawing = GraphDrawing.Of(graph);

        var drawn = drawing.Nodes.Select(n => n.Backend.Pid).ToHashSet();
        Assert.Superset(new HashSet<int> { 1, 10, 20, 21, 2, 3, 4, 5 }, drawn); // heads, the cycle, and the chain that blocks 30
        Assert.True(drawing.Nodes.Count + drawing.Folds.Count <= 30, $"{drawing.Nodes.Count} sessions and {drawing.Folds.Count} folds drawn");
        // Every session is in a box or counted in a "+N waiting": none is lost from the picture.
        Assert.Equal(300, drawing.Nodes.Count + drawing.Folds.Sum(f => f.Count));
        Assert.Equal(0, drawing.NotDrawn);
        var folds = drawing.Folds.ToDictionary(f => f.BlockerPid, f => f.Count);
        Assert.Equal(new Dictionary<int, int> { [1] = 118, [5] = 27, [10] = 99, [20] = 37 }, folds);
        // The longest waits among those that block nobody are the ones shown.
        var shownUnderTen = drawing.Nodes.Where(n => graph.BlockersOf(n.Backend.Pid).Contains(10)).Select(n => n.Backend.Pid).Order();
        Assert.Equal([2034, 2035, 2036], shownUnderTen);
    }

    [Fact]
    public void NoTwoBoxesOverlap_AndAllLieInsideTheDrawing_FoldedOrOpened()
    {
        var graph = ThreeHundred();

        foreach (var drawing in new[] { GraphDrawing.Of(graph), GraphDrawing.Of(graph, expanded: new HashSet<int> { 1, 5, 20 }) })
        {
            var boxes = Boxes(drawing).ToList();
            var whole = new Box(0, 0, drawing.Width, drawing.Height);
            for (var i = 0; i < boxes.Count; i++)
            {
                Assert.True(whole.Contains(boxes[i]), $"{boxes[i]} lies outside the {drawing.Width}×{drawing.Height} drawing");
                for (var j = i + 1; j < boxes.Count; j++)
                    Assert.False(boxes[i].Overlaps(boxes[j]), $"{boxes[i]} overlaps {boxes[j]}");
            }
        }
    }

    [Fact]
    public void AFold_Opens_WhenItsBlockerIsExpanded_AndOnlyThatOne()
    {
        var graph = ThreeHundred();

        var drawing = GraphDrawing.Of(graph, expanded: new HashSet<int> { 10 });

        Assert.DoesNotContain(drawing.Folds, f => f.BlockerPid == 10);
        Assert.Equal(102, drawing.Nodes.Count(n => graph.BlockersOf(n.Backend.Pid).Contains(10)));
        Assert.Contains(drawing.Folds, f => f.BlockerPid == 1 && f.Count == 118);
        Assert.Equal(300, drawing.Nodes.Count + drawing.Folds.Sum(f => f.Count));
    }

    [Fact]
    public void OneWaiterMoreThanShown_IsDrawn_NotFoldedIntoPlusOne()
    {
        var waiters = Enumerable.Range(2, WaiterFolding.ShownWaiters + 1).ToList();
        var graph = WaitForGraph.Build(waiters.Prepend(1).Select(p => Session(p)), waiters.Select(w => Wait(w, 1)));

        var drawing = GraphDrawing.Of(graph);

        Assert.Empty(drawing.Folds);
        Assert.Equal(waiters.Count + 1, drawing.Nodes.Count);
    }

    [Fact]
    public void AParent_IsLevelWithItsFirstWaiter_AndWaitersSitOneColumnToTheRight()
    {
        var graph = WaitForGraph.Build([Session(1), Session(2), Session(3), Session(4)], [Wait(2, 1), Wait(3, 2), Wait(4, 3)]);

        var drawing = GraphDrawing.Of(graph);

        var byPid = drawing.Nodes.ToDictionary(n => n.Backend.Pid);
        Assert.All(byPid.Values, n => Assert.Equal(byPid[1].Y, n.Y));
        Assert.Equal([0, 1, 2, 3], new[] { 1, 2, 3, 4 }.Select(p => (int)Math.Round((byPid[p].X - GraphDrawing.Margin) / (GraphDrawing.NodeWidth + GraphDrawing.ColumnGap))));
        Assert.True(byPid[4].Bounds.X + GraphDrawing.NodeWidth <= drawing.Width);
    }
}
