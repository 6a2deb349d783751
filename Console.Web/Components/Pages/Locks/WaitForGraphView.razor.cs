using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>The wait-for graph as SVG: a box per session, an arrow per wait. Selecting a box (click, Enter) reports its pid.</summary>
public partial class WaitForGraphView
{
    [Parameter, EditorRequired] public required WaitForGraph Graph { get; set; }
    [Parameter] public int? SelectedPid { get; set; }
    [Parameter] public EventCallback<int> OnSelect { get; set; }
    [Parameter] public int MaxNodes { get; set; } = GraphDrawing.DefaultMaxNodes;

    // One id per view: two graphs on a page must not share an arrow marker.
    private readonly string arrowId = $"lock-arrow-{Guid.NewGuid():N}";
    private GraphDrawing drawing = null!;
    private (WaitForGraph Graph, int Max)? drawn;

    protected override void OnParametersSet()
    {
        // Layout is the costly part; a re-render for a selection reuses it.
        if (drawn != (Graph, MaxNodes))
        {
            drawing = GraphDrawing.Of(Graph, MaxNodes);
            drawn = (Graph, MaxNodes);
        }
    }

    private Task SelectAsync(int pid) => OnSelect.InvokeAsync(pid);

    private Task KeyAsync(KeyboardEventArgs e, int pid) => e.Key is "Enter" or " " ? SelectAsync(pid) : Task.CompletedTask;

    private string AriaLabel =>
        $"Wait-for graph: {drawing.Nodes.Count} sessions, {Graph.HeadBlockers.Count} head blockers, {Graph.Cycles.Count} deadlocks forming";

    private string NodeClass(DrawnNode node) =>
        "lock-node" + (node.IsHead ? " head" : "") + (node.InCycle ? " cycle" : "") + (SelectedPid == node.Backend.Pid ? " selected" : "");

    private static string Title(DrawnNode node)
    {
        var application = node.Backend.Application.Length > 0 ? node.Backend.Application : node.Backend.User;
        return LockFormat.ShortQuery($"{node.Backend.Pid} · {application}", node.IsHead || node.InCycle ? 24 : 32);
    }

    private static string Badge(DrawnNode node) => node.InCycle ? "DEADLOCK" : node.IsHead ? "HEAD" : "";

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

    private static string NodeTooltip(DrawnNode node)
    {
        var b = node.Backend;
        return $"{b.Pid} {b.User}@{b.ClientAddress ?? "local"} {b.Application}\n{LockFormat.ShortQuery(b.Query, 300)}";
    }

    private static string EdgeText(LockWait wait) => $"{wait.WaiterPid} waits for {wait.BlockerPid}: {wait.Mode} on {wait.LockedObject}";

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Px(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
