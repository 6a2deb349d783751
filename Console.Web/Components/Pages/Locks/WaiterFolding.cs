using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>One box of the drawn tree: a session, or the waiters of <see cref="Parent"/> folded into "+N waiting".</summary>
public sealed record FoldItem(int? Pid, int? Parent, int Depth, int Folded)
{
    public bool IsFold => Pid is null;
}

/// <summary>
/// Which sessions of a wait-for graph get a box of their own, so that a graph of hundreds stays legible. Every
/// root (head blocker, or a deadlock forming with no head) and every cycle member is drawn; under each session its
/// other waiters that block others come first (most behind them first), then the longest waits. When more than
/// <see cref="ShownWaiters"/> + 1 of those wait under one session, all but <see cref="ShownWaiters"/>, with everyone
/// behind them, fold into a single "+N waiting" box (never "+1"), until that session is in <c>expanded</c>. The items come depth-first, each parent before its
/// waiters, so any prefix of them is a drawable tree.
/// </summary>
public static class WaiterFolding
{
    public const int ShownWaiters = 3;

    /// <summary>The boxes per group (groups in <see cref="SessionGroups.Groups"/> order), depth-first.</summary>
    public static IReadOnlyList<IReadOnlyList<FoldItem>> Of(WaitForGraph graph, SessionGroups groups, IReadOnlySet<int> expanded)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var (child, parent) in groups.Parents)
        {
            if (!children.TryGetValue(parent, out var list))
                children[parent] = list = [];
            list.Add(child);
        }
        var inCycle = graph.Cycles.SelectMany(c => c).ToHashSet();
        var subtree = new Dictionary<int, int>(); // sessions in the claim tree under a session, itself included

        var result = new List<IReadOnlyList<FoldItem>>();
        foreach (var group in groups.Groups)
        {
            var items = new List<FoldItem>();
            Visit(group[0], null, 0, items);
            result.Add(items);
        }
        return result;

        void Visit(int pid, int? parent, int depth, List<FoldItem> items)
        {
            items.Add(new FoldItem(pid, parent, depth, 0));
            if (!children.TryGetValue(pid, out var waiters))
                return;
            var ordered = waiters
                .OrderByDescending(inCycle.Contains)
                .ThenByDescending(w => children.ContainsKey(w) ? SizeOf(w) : 0)
                .ThenByDescending(w => graph.Nodes[w].WaitDuration ?? TimeSpan.Zero)
                .ThenBy(w => w)
                .ToList();
            var others = ordered.Where(w => !inCycle.Contains(w)).ToList();
            var shown = others.Count > ShownWaiters + 1 && !expanded.Contains(pid)
                ? ordered.Where(inCycle.Contains).Concat(others.Take(ShownWaiters)).ToList()
                : ordered;
            foreach (var waiter in shown)
                Visit(waiter, pid, depth + 1, items);
            var folded = ordered.Except(shown).Sum(SizeOf);
            if (folded > 0)
                items.Add(new FoldItem(null, pid, depth + 1, folded));
        }

        int SizeOf(int pid)
        {
            if (subtree.TryGetValue(pid, out var size))
                return size;
            // Iterative: a chain of thousands must not recurse that deep.
            var stack = new Stack<int>([pid]);
            size = 0;
            while (stack.Count > 0)
            {
                var at = stack.Pop();
                size++;
                if (children.TryGetValue(at, out var below))
                    foreach (var child in below)
                        stack.Push(child);
            }
            return subtree[pid] = size;
        }
    }
}
