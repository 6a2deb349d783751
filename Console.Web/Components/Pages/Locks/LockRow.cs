using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>One session of a wait-for graph as a table row: what a screen reader reads and a DBA copies.</summary>
public sealed record LockRow(Backend Backend, IReadOnlyList<int> WaitingFor, string? Mode, string? LockedObject, bool IsHead, bool InCycle, int Blocks)
{
    public int Pid => Backend.Pid;

    // A row is its session's, whatever the sample says of it: MudTable keys its rows by item, and a row equal by value
    // alone would be a new row in every sample, its elements replaced twice a second under a click or the keyboard's focus.
    public bool Equals(LockRow? other) => other is not null && Pid == other.Pid;

    public override int GetHashCode() => Pid;

    /// <summary>The rows in drawing order: largest blocking tree first, each from its head down.</summary>
    public static IReadOnlyList<LockRow> Of(WaitForGraph graph)
    {
        var heads = graph.HeadBlockers.ToHashSet();
        var inCycle = graph.Cycles.SelectMany(c => c).ToHashSet();
        // A waiter waits on one lock, so all its edges name the same mode and object: the first one says it.
        var awaited = new Dictionary<int, LockWait>();
        foreach (var edge in graph.Edges)
            awaited.TryAdd(edge.WaiterPid, edge);
        return SessionGroups.Of(graph).InOrder.Select(pid =>
        {
            var wait = awaited.GetValueOrDefault(pid);
            return new LockRow(graph.Nodes[pid], graph.BlockersOf(pid), wait?.Mode, wait?.LockedObject, heads.Contains(pid), inCycle.Contains(pid),
                graph.BlocksDirectly(pid));
        }).ToList();
    }
}
