namespace OpsConsole.Domain.Locks;

/// <summary>
/// A tick's full wait-for graph, kept only for ticks where something waited or a deadlock was counted (sparse):
/// the Locks page's time scrubber replays them.
/// </summary>
public sealed class LockSnapshot
{
    /// <summary>The longest query text kept in history: enough to recognise a statement, bounded in size.</summary>
    public const int MaxQueryLength = 300;

    public long Id { get; private set; }
    public Guid TargetId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public int Waiting { get; private set; }
    public double LongestWaitMs { get; private set; }
    public long Deadlocks { get; private set; }
    public LockGraphData Graph { get; private set; } = new([], []);

    private LockSnapshot() { }

    public LockSnapshot(LockSample sample)
    {
        TargetId = sample.TargetId;
        At = sample.At;
        Waiting = sample.Waiting;
        LongestWaitMs = sample.LongestWait.TotalMilliseconds;
        Deadlocks = sample.Deadlocks;
        Graph = new LockGraphData(
            sample.Graph.Nodes.Values.Select(b => b.Query.Length > MaxQueryLength ? b with { Query = b.Query[..MaxQueryLength] + "…" } : b).ToList(),
            sample.Graph.Edges.ToList(),
            sample.Graph.Omitted);
    }

    public WaitForGraph ToGraph() => WaitForGraph.Build(Graph.Backends, Graph.Waits, Graph.Omitted);
}

/// <summary>
/// The stored form of a graph (jsonb): the sampled graph is already capped (<see cref="LockOptions.MaxSessions"/>),
/// so a snapshot's size has a bound however many sessions waited; <see cref="Omitted"/> keeps its figures exact.
/// </summary>
public sealed record LockGraphData(List<Backend> Backends, List<LockWait> Waits, GraphOmissions? Omitted = null);

/// <summary>
/// Per-minute lock figures of a target, kept always: the most sessions waiting at once, the longest wait, the
/// deadlocks and rollbacks the target counted, and how many ticks contributed (fewer than 60 means gaps).
/// <see cref="LockTimeouts"/> is not stored here: PostgreSQL counts no lock timeouts, so they are read from the
/// checkout failures of class db_lock_timeout that services reported for this target.
/// </summary>
public sealed class LockMinute
{
    public Guid TargetId { get; private set; }
    public DateTimeOffset Minute { get; private set; }
    public int MaxWaiting { get; private set; }
    public double LongestWaitMs { get; private set; }
    public long Deadlocks { get; private set; }
    public long Rollbacks { get; private set; }
    public int Samples { get; private set; }
    public long LockTimeouts { get; internal set; }

    private LockMinute() { }
}
