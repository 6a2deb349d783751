using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>
/// The sessions of a wait-for graph in the order the page shows them: blocking trees largest first, then deadlocks
/// forming that have no head, each group breadth-first from its root (head, or a cycle's lowest pid). A session
/// waiting in two trees belongs to the first (larger) one, so that it is drawn and listed once.
/// </summary>
public sealed class SessionGroups
{
    private SessionGroups(IReadOnlyList<IReadOnlyList<int>> groups, IReadOnlyList<int> ungrouped, IReadOnlyDictionary<int, int> parents)
    {
        Groups = groups;
        Ungrouped = ungrouped;
        Parents = parents;
    }

    /// <summary>
    /// Each grouped session but the roots, with the session it was reached from (one it waits for): the tree the
    /// graph is drawn as. A session waiting for several hangs under the first.
    /// </summary>
    public IReadOnlyDictionary<int, int> Parents { get; }

    public IReadOnlyList<IReadOnlyList<int>> Groups { get; }

    /// <summary>Sessions with no wait in either direction (their wait ended as they were read): listed, not drawn.</summary>
    public IReadOnlyList<int> Ungrouped { get; }

    /// <summary>Every session, grouped ones first.</summary>
    public IEnumerable<int> InOrder => Groups.SelectMany(g => g).Concat(Ungrouped);

    public static SessionGroups Of(WaitForGraph graph)
    {
        var claimed = new HashSet<int>();
        var groups = new List<IReadOnlyList<int>>();
        var parents = new Dictionary<int, int>();
        var roots = graph.Trees.Select(t => t.HeadPid).Concat(graph.Cycles.Select(c => c.Min()));
        foreach (var root in roots)
        {
            if (!claimed.Add(root))
                continue;
            var group = new List<int> { root };
            for (var i = 0; i < group.Count; i++)
                foreach (var waiter in graph.WaitersOf(group[i]))
                    if (claimed.Add(waiter))
                    {
                        group.Add(waiter);
                        parents.Add(waiter, group[i]);
                    }
            groups.Add(group);
        }
        var ungrouped = graph.Nodes.Keys.Where(pid => !claimed.Contains(pid)).Order().ToList();
        return new SessionGroups(groups, ungrouped, parents);
    }
}
