using System.Globalization;

namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>
/// What the lock sampler saw on the incident's target since onset: deadlocks and the longest lock wait. The console
/// knows this even when checkout reports few failures (an alert on lock waits), so lock-related changes can be weighed
/// against it too.
/// </summary>
public sealed record TargetLocks(long Deadlocks, TimeSpan LongestWait)
{
    /// <summary>A wait this long is trouble, not contention: the console's own changes give up on a lock after 5 s.</summary>
    public static readonly TimeSpan LongWait = TimeSpan.FromSeconds(5);

    /// <summary>How much lock trouble alone relates a lock or timeout change: less than most failures being lock failures.</summary>
    public const double Relatedness = 0.6;

    public static TargetLocks None { get; } = new(0, TimeSpan.Zero);

    public bool Trouble => Deadlocks > 0 || LongestWait >= LongWait;

    /// <summary>"the target had 14 deadlocks and lock waits up to 8.2 s since onset".</summary>
    public string Text()
    {
        var wait = $"lock waits up to {LongestWait.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
        return Deadlocks > 0
            ? $"the target had {Deadlocks} deadlock{(Deadlocks == 1 ? "" : "s")} and {wait} since onset"
            : $"the target had {wait} since onset";
    }
}
