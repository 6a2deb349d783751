namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>
/// Deadlocks counted per sampler tick over the last hour, for the headline figures. Seeded from the stored snapshots
/// (kept for every tick that counted one) and fed by live events; a tick seen both ways counts once.
/// </summary>
public sealed class DeadlockTally
{
    private static readonly TimeSpan Kept = TimeSpan.FromHours(1);
    private readonly Lock gate = new();
    private readonly Dictionary<DateTimeOffset, long> ticks = [];

    public void Add(DateTimeOffset at, long deadlocks)
    {
        if (deadlocks <= 0)
            return;
        // The store keeps microseconds, the live event has ticks: milliseconds identify a tick either way.
        var key = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        lock (gate) ticks[key] = deadlocks;
    }

    public long Since(DateTimeOffset from)
    {
        lock (gate)
        {
            foreach (var old in ticks.Keys.Where(k => k < from - Kept).ToList())
                ticks.Remove(old);
            return ticks.Where(t => t.Key >= from).Sum(t => t.Value);
        }
    }

    public void Clear()
    {
        lock (gate) ticks.Clear();
    }
}
