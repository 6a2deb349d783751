using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>A rectangle in the drawing's units (CSS pixels at zoom 100 %); for nodes, relative to the node's box.</summary>
public sealed record Box(double X, double Y, double Width, double Height)
{
    public bool Overlaps(Box other) =>
        X < other.X + other.Width && other.X < X + Width && Y < other.Y + other.Height && other.Y < Y + Height;

    public bool Contains(Box other) =>
        other.X >= X && other.Y >= Y && other.X + other.Width <= X + Width && other.Y + other.Height <= Y + Height;
}

/// <summary>A tag ("DEADLOCK", "HEAD BLOCKER") and the pill it is drawn in, inside its node.</summary>
public sealed record DrawnTag(string Text, string Kind, Box Box);

/// <summary>A session as drawn: where its box goes, its title (cut to fit) and its tags, in a lane of their own above the title.</summary>
public sealed record DrawnNode(Backend Backend, double X, double Y, bool IsHead, bool InCycle, int WaitingBehind, int WaitsFor,
    string Title, IReadOnlyList<DrawnTag> Tags)
{
    public Box Bounds => new(X, Y, GraphDrawing.NodeWidth, GraphDrawing.NodeHeight);
}

/// <summary>Waiters of <see cref="BlockerPid"/> folded into one "+N waiting" box; <see cref="Path"/> leads to the blocker.</summary>
public sealed record DrawnFold(int BlockerPid, int Count, double X, double Y, string Path)
{
    public Box Bounds => new(X, Y, GraphDrawing.NodeWidth, GraphDrawing.FoldHeight);
}

/// <summary>A wait as drawn: a path from the waiter's box to its blocker's box, the arrow at the blocker.</summary>
public sealed record DrawnEdge(LockWait Wait, string Path);

/// <summary>
/// What the SVG wait-for graph draws. Each group (<see cref="SessionGroups"/>, largest tree first) is drawn as a tree:
/// its root (head blocker, or a cycle's lowest pid) in the left column, each session's waiters in the next column to
/// its right, a parent level with its first waiter. <see cref="WaiterFolding"/> says which waiters get a box and which
/// fold into "+N waiting". Huge graphs are capped: whole groups are drawn while they fit, the rest is left to the table.
/// The drawing's own size (<see cref="Width"/>, <see cref="Height"/>) is the SVG's viewBox, which the page scales into
/// its panel.
/// </summary>
public sealed class GraphDrawing
{
    public const int DefaultMaxNodes = 300;
    public const double NodeWidth = 216, NodeHeight = 80, FoldHeight = 40, ColumnGap = 64, RowGap = 12, Margin = 12;
    // Lanes inside a node box, top to bottom: tags, title, wait, query. Tags never share the title's lane.
    public const double Padding = 10, TagTop = 6, TagHeight = 15, TitleTop = 25, TitleHeight = 17;
    public const double WaitBaseline = 57, QueryBaseline = 73;
    // Estimated advance per character (13 px semibold title, 10 px bold tag with letter spacing, 11 px monospace query):
    // generous, so that the cut text fits whatever the font.
    public const double TitleCharWidth = 7.8, TagCharWidth = 7.2, TagPadding = 6, TagGap = 4, QueryCharWidth = 6.7;
    // Same-column waits (inside a cycle) loop out to the right of the column: room for that loop.
    private const double LoopReach = 56;

    private GraphDrawing(IReadOnlyList<DrawnNode> nodes, IReadOnlyList<DrawnFold> folds, IReadOnlyList<DrawnEdge> edges, double width,
        double height, int notDrawn)
    {
        Nodes = nodes;
        Folds = folds;
        Edges = edges;
        Width = width;
        Height = height;
        NotDrawn = notDrawn;
    }

    public IReadOnlyList<DrawnNode> Nodes { get; }
    public IReadOnlyList<DrawnFold> Folds { get; }
    public IReadOnlyList<DrawnEdge> Edges { get; }
    public double Width { get; }
    public double Height { get; }

    /// <summary>Sessions of the graph in neither a box nor a "+N waiting" box (shown in the table only).</summary>
    public int NotDrawn { get; }

    /// <summary>How many characters of a node's query line fit its box.</summary>
    public static int QueryChars => (int)((NodeWidth - 2 * Padding) / QueryCharWidth);

    public static GraphDrawing Of(WaitForGraph graph, int maxNodes = DefaultMaxNodes, IReadOnlySet<int>? expanded = null)
    {
        var groups = SessionGroups.Of(graph);
        var items = Choose(WaiterFolding.Of(graph, groups, expanded ?? new HashSet<int>()), maxNodes);
        var heads = graph.HeadBlockers.ToHashSet();
        var inCycle = graph.Cycles.SelectMany(c => c).ToHashSet();
        var behind = graph.Trees.ToDictionary(t => t.HeadPid, t => t.Waiting);

        // Rows depth-first: a session with no waiters drawn takes the next free row, a parent the row of its first waiter.
        var firstChild = new Dictionary<int, int>();
        for (var i = 0; i < items.Count; i++)
            if (items[i].Parent is { } parent && !firstChild.ContainsKey(parent))
                firstChild[parent] = i;
        var top = new double[items.Count];
        var next = Margin;
        for (var i = items.Count - 1; i >= 0; i--)
            if (items[i].Pid is not { } pid || !firstChild.ContainsKey(pid))
                top[i] = double.NaN; // a leaf: placed in order below
        for (var i = 0; i < items.Count; i++)
            if (double.IsNaN(top[i]))
            {
                top[i] = next;
                next += (items[i].IsFold ? FoldHeight : NodeHeight) + RowGap;
            }
        for (var i = items.Count - 1; i >= 0; i--)
            if (items[i].Pid is { } pid && firstChild.TryGetValue(pid, out var child))
                top[i] = top[child];

        var nodes = new List<DrawnNode>();
        var folds = new List<(FoldItem Item, double X, double Y)>();
        var boxes = new Dictionary<int, (double X, double Y)>();
        for (var i = 0; i < items.Count; i++)
        {
            var x = Margin + items[i].Depth * (NodeWidth + ColumnGap);
            if (items[i].Pid is not { } pid)
            {
                folds.Add((items[i], x, top[i]));
                continue;
            }
            boxes[pid] = (x, top[i]);
            var (isHead, isCycle) = (heads.Contains(pid), inCycle.Contains(pid));
            nodes.Add(new DrawnNode(graph.Nodes[pid], x, top[i], isHead, isCycle, behind.GetValueOrDefault(pid, graph.BlocksDirectly(pid)),
                graph.BlockersOf(pid).Count, TitleOf(graph.Nodes[pid]), TagsOf(isHead, isCycle)));
        }
        // Waits between sessions of one column (a waiter that no holder blocks, queued behind others of its layer)
        // are left to the table; waits toward the head (across columns) and the waits of a cycle are drawn.
        var edges = graph.Edges.Where(e => boxes.ContainsKey(e.WaiterPid) && boxes.ContainsKey(e.BlockerPid))
            .Where(e => boxes[e.WaiterPid].X != boxes[e.BlockerPid].X || (inCycle.Contains(e.WaiterPid) && inCycle.Contains(e.BlockerPid)))
            .Select(e => new DrawnEdge(e, PathOf(boxes[e.WaiterPid], NodeHeight, boxes[e.BlockerPid]))).ToList();
        var drawnFolds = folds.Select(f => new DrawnFold(f.Item.Parent!.Value, f.Item.Folded, f.X, f.Y,
            PathOf((f.X, f.Y), FoldHeight, boxes[f.Item.Parent!.Value]))).ToList();

        var columns = items.Select(i => i.Depth + 1).DefaultIfEmpty(1).Max();
        var shown = nodes.Count + drawnFolds.Sum(f => f.Count);
        return new GraphDrawing(nodes, drawnFolds, edges,
            2 * Margin + columns * NodeWidth + (columns - 1) * ColumnGap + LoopReach,
            Math.Max(next - RowGap + Margin, 2 * Margin + NodeHeight),
            groups.Groups.Sum(g => g.Count) - shown);
    }

    /// <summary>The title lane's box inside a node: the full width between the paddings, below the tag lane.</summary>
    public static Box TitleBox => new(Padding, TitleTop, NodeWidth - 2 * Padding, TitleHeight);

    /// <summary>"pid · application" (or the user when no application is set), cut to the title lane's width.</summary>
    public static string TitleOf(Backend backend)
    {
        var application = backend.Application.Length > 0 ? backend.Application : backend.User;
        var text = application.Length > 0 ? $"{backend.Pid} · {application}" : $"{backend.Pid}";
        return LockFormat.ShortQuery(text, (int)(TitleBox.Width / TitleCharWidth));
    }

    /// <summary>The tags, left to right in the tag lane, each pill as wide as its text.</summary>
    public static IReadOnlyList<DrawnTag> TagsOf(bool isHead, bool inCycle)
    {
        var tags = new List<DrawnTag>();
        var x = Padding;
        foreach (var (text, kind) in new[] { (inCycle, "DEADLOCK", "cycle"), (isHead, "HEAD BLOCKER", "head") }.Where(t => t.Item1).Select(t => (t.Item2, t.Item3)))
        {
            var width = text.Length * TagCharWidth + 2 * TagPadding;
            tags.Add(new DrawnTag(text, kind, new Box(x, TagTop, width, TagHeight)));
            x += width + TagGap;
        }
        return tags;
    }

    /// <summary>Whole groups, largest first, while their boxes fit; a first group larger than the cap is cut (parents before waiters).</summary>
    private static List<FoldItem> Choose(IReadOnlyList<IReadOnlyList<FoldItem>> groups, int maxNodes)
    {
        var chosen = new List<FoldItem>();
        foreach (var group in groups)
        {
            if (chosen.Count == 0 && group.Count > maxNodes)
                chosen.AddRange(group.Take(maxNodes));
            else if (chosen.Count + group.Count <= maxNodes)
                chosen.AddRange(group);
        }
        return chosen;
    }

    private static string PathOf((double X, double Y) waiter, double waiterHeight, (double X, double Y) blocker)
    {
        var (y1, y2) = (waiter.Y + waiterHeight / 2, blocker.Y + NodeHeight / 2);
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
