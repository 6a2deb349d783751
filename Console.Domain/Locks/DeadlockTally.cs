namespace OpsConsole.Domain.Locks;

/// <summary>
/// Deadlocks counted per sampler tick of one target, kept for <see cref="Kept"/>: seeded from the stored snapshots
/// (kept for every tick that counted one) and fed by the live ticks; a tick seen both ways counts once.
/// </summary>
internal sealed class DeadlockTally
{
    public static readonly TimeSpan Kept = TimeSpan.FromHours(1);
    // Dropping old ticks scans them all: done at most this often, not on every tick.
    private static readonly TimeSpan PruneGap = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private readonly Dictionary<DateTimeOffset, long> ticks = [];
    private DateTimeOffset newest, lastPrune;

    public void Add(DateTimeOffset at, long deadlocks)
    {
        if (deadlocks <= 0)
            return;
        // The store keeps microseconds, the live tick has ticks: milliseconds identify a tick either way.
        var key = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        lock (gate)
        {
            ticks[key] = deadlocks;
            if (key > newest)
                newest = key;
            if (newest - lastPrune >= PruneGap)
            {
                lastPrune = newest;
                foreach (var old in ticks.Keys.Where(k => k < newest - Kept).ToList())
                    ticks.Remove(old);
            }
        }
    }

    /// <summary>The deadlocks of the ticks at or after <paramref name="from"/> (complete back to <see cref="Kept"/> before the newest tick).</summary>
    public long Since(DateTimeOffset from)
    {
        lock (gate) return ticks.Where(t => t.Key >= from).Sum(t => t.Value);
    }
}
