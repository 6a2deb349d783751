using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>A session as drawn: where its box goes and what marks it carries.</summary>
public sealed record DrawnNode(Backend Backend, double X, double Y, bool IsHead, bool InCycle, int WaitingBehind, int WaitsFor);

/// <summary>A wait as drawn: a path from the waiter's box to its blocker's box, the arrow at the blocker.</summary>
public sealed record DrawnEdge(LockWait Wait, string Path);

/// <summary>
/// What the SVG wait-for graph draws. Heads sit in the left column and waiters to their right (columns are the
/// domain's layout layers); within a column, sessions follow <see cref="SessionGroups"/>, so the largest trees are
/// on top. Huge graphs are capped: whole groups are drawn while they fit, the rest is left to the table.
/// </summary>
public sealed class GraphDrawing
{
    public const int DefaultMaxNodes = 300;
    public const double NodeWidth = 240, NodeHeight = 64, ColumnGap = 80, RowGap = 14, Margin = 12;
    // Same-column waits (inside a cycle) loop out to the right of the column: room for that loop.
    private const double LoopReach = 56;

    private GraphDrawing(IReadOnlyList<DrawnNode> nodes, IReadOnlyList<DrawnEdge> edges, double width, double height, int notDrawn)
    {
        Nodes = nodes;
        Edges = edges;
        Width = width;
        Height = height;
        NotDrawn = notDrawn;
    }

    public IReadOnlyList<DrawnNode> Nodes { get; }
    public IReadOnlyList<DrawnEdge> Edges { get; }
    public double Width { get; }
    public double Height { get; }

    /// <summary>Sessions of the graph left out of the drawing (shown in the table only).</summary>
    public int NotDrawn { get; }

    public static GraphDrawing Of(WaitForGraph graph, int maxNodes = DefaultMaxNodes)
    {
        var groups = SessionGroups.Of(graph);
        var drawn = Choose(groups, maxNodes);
        var order = new Dictionary<int, int>();
        foreach (var pid in groups.InOrder.Where(drawn.Contains))
            order[pid] = order.Count;

        var part = WaitForGraph.Build(drawn.Select(pid => graph.Nodes[pid]),
            graph.Edges.Where(e => drawn.Contains(e.WaiterPid) && drawn.Contains(e.BlockerPid)));
        var layers = part.Layout().Layers;
        var heads = graph.HeadBlockers.ToHashSet();
        var inCycle = graph.Cycles.SelectMany(c => c).ToHashSet();
        var behind = graph.Trees.ToDictionary(t => t.HeadPid, t => t.Waiting);

        var nodes = new List<DrawnNode>();
        var boxes = new Dictionary<int, (double X, double Y)>();
        for (var layer = 0; layer < layers.Count; layer++)
        {
            var slot = 0;
            foreach (var pid in layers[layer].OrderBy(p => order.GetValueOrDefault(p, int.MaxValue)))
            {
                var (x, y) = (Margin + layer * (NodeWidth + ColumnGap), Margin + slot++ * (NodeHeight + RowGap));
                boxes[pid] = (x, y);
                nodes.Add(new DrawnNode(graph.Nodes[pid], x, y, heads.Contains(pid), inCycle.Contains(pid),
                    behind.GetValueOrDefault(pid, graph.BlocksDirectly(pid)), graph.BlockersOf(pid).Count));
            }
        }
        // Waits between sessions of one column (a waiter that no holder blocks, queued behind others of its layer)
        // are left to the table; waits toward the head (across columns) and the waits of a cycle are drawn.
        var edges = part.Edges.Where(e => boxes.ContainsKey(e.WaiterPid) && boxes.ContainsKey(e.BlockerPid))
            .Where(e => boxes[e.WaiterPid].X != boxes[e.BlockerPid].X || (inCycle.Contains(e.WaiterPid) && inCycle.Contains(e.BlockerPid)))
            .Select(e => new DrawnEdge(e, PathOf(boxes[e.WaiterPid], boxes[e.BlockerPid]))).ToList();
        var columns = Math.Max(layers.Count, 1);
        var rows = layers.Select(l => l.Count).DefaultIfEmpty(0).Max();
        return new GraphDrawing(nodes, edges,
            2 * Margin + columns * NodeWidth + (columns - 1) * ColumnGap + LoopReach,
            2 * Margin + Math.Max(rows, 1) * NodeHeight + Math.Max(rows - 1, 0) * RowGap,
            graph.Nodes.Count - boxes.Count);
    }

    /// <summary>Whole groups, largest first, while they fit; a first group larger than the cap is cut breadth-first.</summary>
    private static HashSet<int> Choose(SessionGroups groups, int maxNodes)
    {
        var drawn = new HashSet<int>();
        foreach (var group in groups.Groups)
        {
            if (drawn.Count == 0 && group.Count > maxNodes)
                drawn.UnionWith(group.Take(maxNodes));
            else if (drawn.Count + group.Count <= maxNodes)
                drawn.UnionWith(group);
        }
        return drawn;
    }

    private static string PathOf((double X, double Y) waiter, (double X, double Y) blocker)
    {
        var (y1, y2) = (waiter.Y + NodeHeight / 2, blocker.Y + NodeHeight / 2);
        string F(double v) => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        if (blocker.X + NodeWidth <= waiter.X)
        {
            // The usual case: the blocker is in a column to the left.
            var (x1, x2) = (waiter.X, blocker.X + NodeWidth);
            var bend = (x1 - x2) / 2;
            return $"M {F(x1)} {F(y1)} C {F(x1 - bend)} {F(y1)}, {F(x2 + bend)} {F(y2)}, {F(x2)} {F(y2)}";
        }
        if (blocker.X >= waiter.X + NodeWidth)
        {
            // A cycle's way back: the blocker sits to the right.
            var (x1, x2) = (waiter.X + NodeWidth, blocker.X);
            var bend = (x2 - x1) / 2;
            return $"M {F(x1)} {F(y1)} C {F(x1 + bend)} {F(y1)}, {F(x2 - bend)} {F(y2)}, {F(x2)} {F(y2)}";
        }
        var right = waiter.X + NodeWidth;
        return $"M {F(right)} {F(y1)} C {F(right + LoopReach)} {F(y1)}, {F(right + LoopReach)} {F(y2)}, {F(right)} {F(y2)}";
    }
}
