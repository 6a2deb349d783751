using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>
/// The wait-for graph as SVG: a box per session, an arrow per wait, "+N waiting" boxes that open on click or Enter.
/// Selecting a box (click, Enter) reports its pid. Which waiters are open is kept here, by blocker pid, so that it
/// survives the live redraws while those sessions still wait.
/// </summary>
public partial class WaitForGraphView
{
    [Parameter, EditorRequired] public required WaitForGraph Graph { get; set; }
    [Parameter] public int? SelectedPid { get; set; }
    [Parameter] public EventCallback<int> OnSelect { get; set; }
    [Parameter] public int MaxNodes { get; set; } = GraphDrawing.DefaultMaxNodes;

    // One id per view: two graphs on a page must not share an arrow marker.
    private readonly string arrowId = $"lock-arrow-{Guid.NewGuid():N}";
    private GraphDrawing drawing = null!;
    private readonly HashSet<int> expanded = [];
    private int foldVersion; // bumped whenever expanded changes
    private (WaitForGraph Graph, int Max, int Folds)? drawn;

    protected override void OnParametersSet() => Draw();

    private void Draw()
    {
        // Layout is the costly part; a re-render for a selection reuses it.
        if (drawn != (Graph, MaxNodes, foldVersion))
        {
            drawing = GraphDrawing.Of(Graph, MaxNodes, expanded);
            drawn = (Graph, MaxNodes, foldVersion);
        }
    }

    private void Expand(int blocker)
    {
        if (expanded.Add(blocker))
            foldVersion++;
        Draw();
    }

    private void FoldAll()
    {
        expanded.Clear();
        foldVersion++;
        Draw();
    }

    private void FoldKey(KeyboardEventArgs e, int blocker)
    {
        if (e.Key is "Enter" or " ")
            Expand(blocker);
    }

    private Task SelectAsync(int pid) => OnSelect.InvokeAsync(pid);

    private Task KeyAsync(KeyboardEventArgs e, int pid) => e.Key is "Enter" or " " ? SelectAsync(pid) : Task.CompletedTask;

    private string AriaLabel =>
        $"Wait-for graph: {drawing.Nodes.Count} sessions drawn, {Graph.HeadBlockers.Count} head blockers, {Graph.Cycles.Count} deadlocks forming. " +
        "Plus and minus zoom, arrow keys pan, 0 fits.";

    private string NodeClass(DrawnNode node) =>
        "lock-node" + (node.IsHead ? " head" : "") + (node.InCycle ? " cycle" : "") + (SelectedPid == node.Backend.Pid ? " selected" : "");

    private static string WaitText(DrawnNode node)
    {
        var waits = node.WaitsFor > 0 ? $"waits {LockFormat.Duration(node.Backend.WaitDuration)}" : $"holds · {node.Backend.State}";
        return node.WaitingBehind > 0 ? $"{waits} · blocks {node.WaitingBehind}" : waits;
    }

    private string NodeLabel(DrawnNode node)
    {
        var b = node.Backend;
        var role = node.InCycle ? "in a deadlock forming" : node.IsHead ? $"head blocker, {node.WaitingBehind} waiting behind it" : "";
        var waits = node.WaitsFor > 0 ? $"waits {LockFormat.Duration(b.WaitDuration)} for {string.Join(", ", Graph.BlockersOf(b.Pid))}" : "";
        return string.Join(", ", new[] { $"Session {b.Pid}", b.Application, role, waits }.Where(s => s.Length > 0));
    }

    /// <summary>
    /// The node's name (an SVG title names its element) and its tooltip in one: the words first, then who and what. No
    /// aria-label: a button's name must hold the text it shows, and the drawn text is the short form of this.
    /// </summary>
    private string NodeTooltip(DrawnNode node)
    {
        var b = node.Backend;
        return $"{NodeLabel(node)}\n{b.User}@{b.ClientAddress ?? "local"}\n{LockFormat.ShortQuery(b.Query, 300)}";
    }

    private static string EdgeText(LockWait wait) => $"{wait.WaiterPid} waits for {wait.BlockerPid}: {wait.Mode} on {wait.LockedObject}";

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Px(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
