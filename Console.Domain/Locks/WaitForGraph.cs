using System.Buffers;

namespace OpsConsole.Domain.Locks;

/// <summary>A backend (session) as the lock sampler saw it.</summary>
public sealed record Backend(int Pid, string User, string Application, string? ClientAddress, string State, TimeSpan? TransactionAge,
    TimeSpan? WaitDuration, string Query);

/// <summary>
/// One wait: <see cref="WaiterPid"/> waits for a lock <see cref="BlockerPid"/> holds (or, when no holder blocks it,
/// for one <see cref="BlockerPid"/> is queued before it for).
/// </summary>
public sealed record LockWait(int WaiterPid, int BlockerPid, string Mode, string LockedObject);

/// <summary>A head blocker and how many sessions wait behind it, directly or transitively.</summary>
public sealed record BlockingTree(int HeadPid, int Waiting);

/// <summary>
/// Who waits for whom, built from one sample. Pure: no database, so every rule is unit-tested. Edges point
/// from waiter to blocker. A head blocker blocks others and waits on nobody; a cycle is a deadlock forming
/// before deadlock_timeout lets PostgreSQL break it.
/// </summary>
/// <remarks>
/// Built once per sampler tick for up to ~10,000 lock rows, so the passes work on dense session indexes
/// (<see cref="SessionIndex"/>) and int arrays (<see cref="Adjacency"/>) rather than dictionaries, hash sets
/// and LINQ; pids come back only in what the members return. Immutable once built, so it may be read from
/// several threads.
/// </remarks>
public sealed partial class WaitForGraph
{
    private readonly SessionIndex sessions;
    private readonly Adjacency blockers; // waiter -> the sessions it waits for, in edge order
    private readonly Adjacency waiters;  // blocker -> the sessions waiting for it, in edge order
    private readonly int[] heads;
    private GraphLayout? layout;

    private WaitForGraph(SessionIndex sessions, LockWait[] edges, int[] edgeWaiters, int[] edgeBlockers, GraphOmissions? omitted)
    {
        this.sessions = sessions;
        Omitted = omitted;
        Nodes = sessions;
        Edges = edges;
        blockers = Adjacency.Build(sessions.Count, edgeWaiters, edgeBlockers);
        waiters = Adjacency.Build(sessions.Count, edgeBlockers, edgeWaiters);
        heads = FindHeads();
        HeadBlockers = SortedPids(heads);
        Cycles = FindCycles(edgeWaiters);
        Trees = MeasureTrees();
    }

    public IReadOnlyDictionary<int, Backend> Nodes { get; }
    public IReadOnlyList<LockWait> Edges { get; }
    public IReadOnlyList<int> HeadBlockers { get; }
    public IReadOnlyList<IReadOnlyList<int>> Cycles { get; }
    /// <summary>Blocking trees, largest first.</summary>
    public IReadOnlyList<BlockingTree> Trees { get; }

    public bool IsEmpty => Edges.Count == 0;

    /// <summary>
    /// What a capped graph left out, with the exact figures of the whole graph (null when nothing was left out):
    /// <see cref="Trees"/>, <see cref="WaitingBehind"/> and <see cref="BlocksDirectly"/> count the sessions left out too.
    /// </summary>
    public GraphOmissions? Omitted { get; }

    /// <summary>Every session of the sample, the ones left out of a capped graph included.</summary>
    public int SessionCount => Nodes.Count + (Omitted?.Sessions ?? 0);

    /// <summary>Every head blocker of the sample, the ones left out of a capped graph included.</summary>
    public int HeadBlockerCount => HeadBlockers.Count + (Omitted?.Heads ?? 0);

    /// <summary>
    /// Builds the graph. Several lock rows can link the same two sessions (a row and its transaction):
    /// one edge is kept per pair, the first seen. Sessions that appear only in waits get a bare node.
    /// </summary>
    public static WaitForGraph Build(IEnumerable<Backend> backends, IEnumerable<LockWait> waits, GraphOmissions? omitted = null)
    {
        var sessions = new SessionIndex();
        foreach (var backend in backends)
            sessions.Add(backend);
        var rows = waits as IReadOnlyList<LockWait> ?? waits.ToList();
        var rowWaiters = new int[rows.Count];
        var rowBlockers = new int[rows.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            rowWaiters[row] = sessions.GetOrAddBare(rows[row].WaiterPid);
            rowBlockers[row] = sessions.GetOrAddBare(rows[row].BlockerPid);
        }

        var keep = FirstRowPerPair(sessions.Count, rowWaiters, rowBlockers, out var kept);
        var edges = new LockWait[kept];
        var edgeWaiters = new int[kept];
        var edgeBlockers = new int[kept];
        for (int row = 0, edge = 0; row < rows.Count; row++)
        {
            if (!keep[row])
                continue;
            (edges[edge], edgeWaiters[edge], edgeBlockers[edge]) = (rows[row], rowWaiters[row], rowBlockers[row]);
            edge++;
        }
        return new WaitForGraph(sessions, edges, edgeWaiters, edgeBlockers, omitted);
    }

    /// <summary>How many sessions wait behind <paramref name="pid"/>, directly or through others.</summary>
    public int WaitingBehind(int pid)
    {
        if (!sessions.TryGetIndex(pid, out var index))
            return 0;
        if (Omitted?.Behind.TryGetValue(pid, out var exact) == true)
            return exact;
        // Rented rather than shared with the constructor's scratch arrays, so concurrent readers stay safe.
        var seen = ArrayPool<int>.Shared.Rent(sessions.Count);
        var queue = ArrayPool<int>.Shared.Rent(sessions.Count);
        try
        {
            Array.Clear(seen, 0, sessions.Count);
            return CountBehind(index, seen, 1, queue);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(seen);
            ArrayPool<int>.Shared.Return(queue);
        }
    }

    public IReadOnlyList<int> BlockersOf(int pid) => sessions.TryGetIndex(pid, out var index) ? sessions.PidsOf(blockers.Of(index)) : [];

    public IReadOnlyList<int> WaitersOf(int pid) => sessions.TryGetIndex(pid, out var index) ? sessions.PidsOf(waiters.Of(index)) : [];

    /// <summary>How many sessions wait on <paramref name="pid"/> directly, the ones left out of a capped graph included.</summary>
    public int BlocksDirectly(int pid) =>
        Omitted?.Blocks.TryGetValue(pid, out var exact) == true ? exact : sessions.TryGetIndex(pid, out var index) ? waiters.Degree(index) : 0;

    /// <summary>
    /// Layers for drawing: head blockers (or, for a cycle with no head, its lowest pid) in layer 0, the
    /// sessions waiting on them in layer 1, and so on; each session in exactly one slot, so none overlap.
    /// Computed on first call and then shared.
    /// </summary>
    public GraphLayout Layout() => LazyInitializer.EnsureInitialized(ref layout, LayOut);

    /// <summary>
    /// Several lock rows can link the same two sessions; only the first row per (waiter, blocker) pair is kept.
    /// Rows are grouped by waiter (in row order) and each group is checked with a per-blocker stamp, so no set
    /// of pairs is hashed.
    /// </summary>
    private static bool[] FirstRowPerPair(int sessionCount, int[] rowWaiters, int[] rowBlockers, out int kept)
    {
        var rowsByWaiter = Adjacency.Build(sessionCount, rowWaiters);
        var keptFor = new int[sessionCount]; // keptFor[blocker] == waiter + 1 once (waiter, blocker) has its row
        var keep = new bool[rowWaiters.Length];
        kept = 0;
        for (var waiter = 0; waiter < sessionCount; waiter++)
            foreach (var row in rowsByWaiter.Of(waiter))
            {
                if (keptFor[rowBlockers[row]] == waiter + 1)
                    continue;
                keptFor[rowBlockers[row]] = waiter + 1;
                keep[row] = true;
                kept++;
            }
        return keep;
    }

    private int[] FindHeads()
    {
        var found = new List<int>();
        for (var session = 0; session < sessions.Count; session++)
            if (waiters.Degree(session) > 0 && blockers.Degree(session) == 0)
                found.Add(session);
        return [.. found];
    }

    private int[] SortedPids(int[] indexes)
    {
        var pids = sessions.PidsOf(indexes);
        Array.Sort(pids);
        return pids;
    }

    private BlockingTree[] MeasureTrees()
    {
        var trees = new BlockingTree[heads.Length];
        // One stamp per head instead of clearing a visited set for each tree.
        var seen = new int[sessions.Count];
        var queue = new int[sessions.Count];
        for (var i = 0; i < heads.Length; i++)
        {
            var pid = sessions.PidOf(heads[i]);
            trees[i] = new BlockingTree(pid, Omitted?.Behind.TryGetValue(pid, out var exact) == true ? exact : CountBehind(heads[i], seen, i + 1, queue));
        }
        Array.Sort(trees, static (a, b) => a.Waiting != b.Waiting ? b.Waiting.CompareTo(a.Waiting) : a.HeadPid.CompareTo(b.HeadPid));
        return trees;
    }

    /// <summary>Breadth-first over the waiters; a session counts once when <paramref name="seen"/> holds <paramref name="stamp"/> for it.</summary>
    private int CountBehind(int root, int[] seen, int stamp, int[] queue)
    {
        seen[root] = stamp;
        queue[0] = root;
        var tail = 1;
        for (var head = 0; head < tail; head++)
            foreach (var waiter in waiters.Of(queue[head]))
                if (seen[waiter] != stamp)
                {
                    seen[waiter] = stamp;
                    queue[tail++] = waiter;
                }
        return tail - 1;
    }

    /// <summary>
    /// The cycles: Tarjan's strongly connected components with more than one session (or a session waiting on
    /// itself). Iterative, with the depth-first path in an array, so that a 10,000-session chain cannot
    /// overflow the stack.
    /// </summary>
    private List<IReadOnlyList<int>> FindCycles(int[] edgeWaiters)
    {
        var count = sessions.Count;
        var order = new int[count];  // discovery number, -1 while unvisited
        var low = new int[count];
        var onStack = new bool[count];
        var stack = new int[count];  // Tarjan's stack of sessions whose component is still open
        var path = new int[count];   // the depth-first path, in place of recursion
        var cursor = new int[count]; // per session on the path: the position of its next blocker to follow
        var (stackSize, depth, next) = (0, 0, 0);
        var cycles = new List<IReadOnlyList<int>>();
        Array.Fill(order, -1);

        // Starting from the waiters in edge order keeps Cycles in the order earlier versions gave.
        foreach (var start in edgeWaiters)
        {
            if (order[start] >= 0)
                continue;
            Visit(start);
            while (depth > 0)
            {
                var node = path[depth - 1];
                if (cursor[node] < blockers.End(node))
                {
                    var blocker = blockers.Target(cursor[node]++);
                    if (order[blocker] < 0)
                        Visit(blocker);
                    else if (onStack[blocker])
                        low[node] = Math.Min(low[node], order[blocker]);
                    continue;
                }
                depth--;
                if (depth > 0)
                    low[path[depth - 1]] = Math.Min(low[path[depth - 1]], low[node]);
                if (low[node] == order[node])
                    CloseComponent(node);
            }
        }
        return cycles;

        void Visit(int node)
        {
            order[node] = low[node] = next++;
            stack[stackSize++] = node;
            onStack[node] = true;
            path[depth++] = node;
            cursor[node] = blockers.Start(node);
        }

        void CloseComponent(int root)
        {
            var first = stackSize - 1;
            while (stack[first] != root)
                first--;
            var members = stack.AsSpan(first, stackSize - first);
            foreach (var member in members)
                onStack[member] = false;
            stackSize = first;
            // Most sessions are their own component; only real cycles are worth a list.
            if (members.Length > 1 || blockers.Of(root).Contains(root))
            {
                var pids = sessions.PidsOf(members);
                Array.Sort(pids);
                cycles.Add(pids);
            }
        }
    }

    private GraphLayout LayOut()
    {
        var layerOf = new int[sessions.Count];
        var queue = new int[sessions.Count];
        var tail = 0;
        Array.Fill(layerOf, -1);
        foreach (var head in heads)
            Enqueue(head, 0);
        foreach (var cycle in Cycles)
            if (layerOf[sessions.IndexOf(cycle[0])] < 0)
                Enqueue(sessions.IndexOf(cycle[0]), 0);
        for (var at = 0; at < tail; at++)
            foreach (var waiter in waiters.Of(queue[at]))
                if (layerOf[waiter] < 0)
                    Enqueue(waiter, layerOf[queue[at]] + 1);
        // Every session with an edge is reached: following its blockers ends at a head blocker or in a cycle,
        // and both are roots. Sessions with no edge are not drawn.

        // Breadth-first leaves the queue ordered by layer, so each layer is one run of it.
        var layers = new List<IReadOnlyList<int>>();
        var positions = new Dictionary<int, NodePosition>(tail);
        for (int start = 0, end; start < tail; start = end)
        {
            end = start + 1;
            while (end < tail && layerOf[queue[end]] == layerOf[queue[start]])
                end++;
            var layer = sessions.PidsOf(queue.AsSpan(start, end - start));
            Array.Sort(layer);
            for (var slot = 0; slot < layer.Length; slot++)
                positions.Add(layer[slot], new NodePosition(layers.Count, slot));
            layers.Add(layer);
        }
        return new GraphLayout(layers, positions);

        void Enqueue(int session, int layer)
        {
            layerOf[session] = layer;
            queue[tail++] = session;
        }
    }
}

public sealed record NodePosition(int Layer, int Slot);

public sealed record GraphLayout(IReadOnlyList<IReadOnlyList<int>> Layers, IReadOnlyDictionary<int, NodePosition> Positions);
