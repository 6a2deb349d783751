namespace OpsConsole.Domain.Locks;

/// <summary>A backend (session) as the lock sampler saw it.</summary>
public sealed record Backend(int Pid, string User, string Application, string? ClientAddress, string State, TimeSpan? TransactionAge,
    TimeSpan? WaitDuration, string Query);

/// <summary>One wait: <see cref="WaiterPid"/> waits for a lock <see cref="BlockerPid"/> holds or is queued before it for.</summary>
public sealed record LockWait(int WaiterPid, int BlockerPid, string Mode, string LockedObject);

/// <summary>A head blocker and how many sessions wait behind it, directly or transitively.</summary>
public sealed record BlockingTree(int HeadPid, int Waiting);

/// <summary>
/// Who waits for whom, built from one sample. Pure: no database, so every rule is unit-tested. Edges point
/// from waiter to blocker. A head blocker blocks others and waits on nobody; a cycle is a deadlock forming
/// before deadlock_timeout lets PostgreSQL break it.
/// </summary>
public sealed class WaitForGraph
{
    private readonly Dictionary<int, List<int>> blockersOf = [];
    private readonly Dictionary<int, List<int>> waitersOf = [];

    private WaitForGraph(IReadOnlyDictionary<int, Backend> nodes, IReadOnlyList<LockWait> edges)
    {
        Nodes = nodes;
        Edges = edges;
        foreach (var edge in edges)
        {
            Add(blockersOf, edge.WaiterPid, edge.BlockerPid);
            Add(waitersOf, edge.BlockerPid, edge.WaiterPid);
        }
        HeadBlockers = waitersOf.Keys.Where(pid => !blockersOf.ContainsKey(pid)).Order().ToList();
        Cycles = StronglyConnected();
        Trees = HeadBlockers.Select(h => new BlockingTree(h, WaitingBehind(h))).OrderByDescending(t => t.Waiting).ThenBy(t => t.HeadPid).ToList();
    }

    public IReadOnlyDictionary<int, Backend> Nodes { get; }
    public IReadOnlyList<LockWait> Edges { get; }
    public IReadOnlyList<int> HeadBlockers { get; }
    public IReadOnlyList<IReadOnlyList<int>> Cycles { get; }
    /// <summary>Blocking trees, largest first.</summary>
    public IReadOnlyList<BlockingTree> Trees { get; }

    public bool IsEmpty => Edges.Count == 0;

    /// <summary>
    /// Builds the graph. Several lock rows can link the same two sessions (a row and its transaction):
    /// one edge is kept per pair, the first seen. Sessions that appear only in waits get a bare node.
    /// </summary>
    public static WaitForGraph Build(IEnumerable<Backend> backends, IEnumerable<LockWait> waits)
    {
        var nodes = new Dictionary<int, Backend>();
        foreach (var backend in backends)
            nodes.TryAdd(backend.Pid, backend);
        var seen = new HashSet<(int, int)>();
        var edges = new List<LockWait>();
        foreach (var wait in waits)
        {
            if (!seen.Add((wait.WaiterPid, wait.BlockerPid)))
                continue;
            edges.Add(wait);
            nodes.TryAdd(wait.WaiterPid, Unknown(wait.WaiterPid));
            nodes.TryAdd(wait.BlockerPid, Unknown(wait.BlockerPid));
        }
        return new WaitForGraph(nodes, edges);
    }

    /// <summary>How many sessions wait behind <paramref name="pid"/>, directly or through others.</summary>
    public int WaitingBehind(int pid)
    {
        var visited = new HashSet<int> { pid };
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var current))
            if (waitersOf.TryGetValue(current, out var waiters))
                foreach (var waiter in waiters)
                    if (visited.Add(waiter))
                        queue.Enqueue(waiter);
        return visited.Count - 1;
    }

    public IReadOnlyList<int> BlockersOf(int pid) => blockersOf.TryGetValue(pid, out var b) ? b : [];

    public IReadOnlyList<int> WaitersOf(int pid) => waitersOf.TryGetValue(pid, out var w) ? w : [];

    /// <summary>
    /// Layers for drawing: head blockers (or, for a cycle with no head, its lowest pid) in layer 0, the
    /// sessions waiting on them in layer 1, and so on; each session in exactly one slot, so none overlap.
    /// </summary>
    public GraphLayout Layout()
    {
        var layerOf = new Dictionary<int, int>();
        var roots = HeadBlockers.Concat(Cycles.Select(c => c.Min())).Distinct();
        var queue = new Queue<int>();
        foreach (var root in roots)
            if (layerOf.TryAdd(root, 0))
                queue.Enqueue(root);
        while (queue.TryDequeue(out var current))
            foreach (var waiter in WaitersOf(current))
                if (layerOf.TryAdd(waiter, layerOf[current] + 1))
                    queue.Enqueue(waiter);
        // Sessions not reached from any root (those waiting behind a cycle only) hang below what they wait on.
        foreach (var pid in Nodes.Keys.Where(p => !layerOf.ContainsKey(p) && (blockersOf.ContainsKey(p) || waitersOf.ContainsKey(p))).Order())
            layerOf[pid] = 0;

        var layers = layerOf.GroupBy(kv => kv.Value).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<int>)g.Select(kv => kv.Key).Order().ToList()).ToList();
        var positions = new Dictionary<int, NodePosition>();
        for (var layer = 0; layer < layers.Count; layer++)
            for (var slot = 0; slot < layers[layer].Count; slot++)
                positions[layers[layer][slot]] = new NodePosition(layer, slot);
        return new GraphLayout(layers, positions);
    }

    /// <summary>
    /// The cycles: Tarjan's strongly connected components with more than one session (or a session waiting on
    /// itself), iteratively, so that a 10,000-session chain cannot overflow the stack.
    /// </summary>
    private List<IReadOnlyList<int>> StronglyConnected()
    {
        var index = new Dictionary<int, int>();
        var low = new Dictionary<int, int>();
        var onStack = new HashSet<int>();
        var stack = new Stack<int>();
        var components = new List<IReadOnlyList<int>>();
        var next = 0;
        foreach (var start in blockersOf.Keys)
        {
            if (index.ContainsKey(start))
                continue;
            var work = new Stack<(int Node, int Child)>();
            work.Push((start, 0));
            while (work.Count > 0)
            {
                var (node, child) = work.Pop();
                if (child == 0)
                {
                    index[node] = low[node] = next++;
                    stack.Push(node);
                    onStack.Add(node);
                }
                var successors = BlockersOf(node);
                if (child < successors.Count)
                {
                    work.Push((node, child + 1));
                    var successor = successors[child];
                    if (!index.ContainsKey(successor))
                        work.Push((successor, 0));
                    else if (onStack.Contains(successor))
                        low[node] = Math.Min(low[node], index[successor]);
                    continue;
                }
                if (low[node] == index[node])
                {
                    // Most sessions are their own component; only real cycles are worth a list.
                    if (stack.Peek() == node)
                    {
                        onStack.Remove(stack.Pop());
                        if (successors.Contains(node))
                            components.Add([node]);
                    }
                    else
                    {
                        var component = new List<int>();
                        int member;
                        do
                        {
                            member = stack.Pop();
                            onStack.Remove(member);
                            component.Add(member);
                        } while (member != node);
                        component.Sort();
                        components.Add(component);
                    }
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }
        return components;
    }

    private static Backend Unknown(int pid) => new(pid, "", "", null, "unknown", null, null, "");

    private static void Add(Dictionary<int, List<int>> map, int key, int value)
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = [];
        list.Add(value);
    }
}

public sealed record NodePosition(int Layer, int Slot);

public sealed record GraphLayout(IReadOnlyList<IReadOnlyList<int>> Layers, IReadOnlyDictionary<int, NodePosition> Positions);
