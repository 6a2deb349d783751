using System.Collections.Concurrent;

namespace OpsConsole.Domain.Locks;

/// <summary>
/// The latest sample, the sampler's status and the last hour's deadlocks per target, in memory: what the Locks page draws
/// live and what Health shows beside checkout figures. History lives in the store (<see cref="LockHistory"/>).
/// </summary>
public sealed class LockMonitor(LockHistory history, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, LockSample> latest = new();
    private readonly ConcurrentDictionary<Guid, SamplerStatus> status = new();
    private readonly ConcurrentDictionary<Guid, DeadlockTally> deadlocks = new();

    public LockSample? Latest(Guid targetId) => latest.GetValueOrDefault(targetId);

    public SamplerStatus? Status(Guid targetId) => status.GetValueOrDefault(targetId);

    /// <summary>
    /// Deadlocks counted on a target since <paramref name="from"/>, at most an hour back: every tick this instance saw
    /// (its own sampler's or, through the live bridge, another instance's), and the stored ones <see cref="LoadDeadlocksAsync"/> read.
    /// </summary>
    public long DeadlocksSince(Guid targetId, DateTimeOffset from) => deadlocks.TryGetValue(targetId, out var tally) ? tally.Since(from) : 0;

    /// <summary>
    /// Reads the last hour's deadlock ticks of a target from the store: those from before this instance followed it, and
    /// any the live bridge missed. A tick already counted counts once; a page calls this when it starts showing a target.
    /// </summary>
    public async Task LoadDeadlocksAsync(Guid targetId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var tally = TallyOf(targetId);
        foreach (var (at, count) in await history.DeadlocksAsync(targetId, now - DeadlockTally.Kept, now, ct))
            tally.Add(at, count);
    }

    internal void Record(LockSample sample)
    {
        latest[sample.TargetId] = sample;
        TallyOf(sample.TargetId).Add(sample.At, sample.Deadlocks);
    }

    /// <summary>Records reachability; true when it changed (so the caller tells everyone once, not every tick).</summary>
    internal bool SetStatus(Guid targetId, bool reachable, string? error, DateTimeOffset at)
    {
        var changed = status.GetValueOrDefault(targetId) is not { } current || current.Reachable != reachable;
        if (changed || !reachable)
            status[targetId] = new SamplerStatus(targetId, reachable, error, changed ? at : status[targetId].Since);
        if (!reachable)
            latest.TryRemove(targetId, out _);
        return changed;
    }

    private DeadlockTally TallyOf(Guid targetId) => deadlocks.GetOrAdd(targetId, _ => new DeadlockTally());
}
