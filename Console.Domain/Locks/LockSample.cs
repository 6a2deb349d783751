namespace OpsConsole.Domain.Locks;

/// <summary>
/// One sampler tick on one target: how many sessions waited on a lock and for how long at most, the wait-for
/// graph (empty when nothing waited), the deadlocks and rollbacks the target counted since the previous tick,
/// and what the tick cost.
/// </summary>
public sealed record LockSample(Guid TargetId, DateTimeOffset At, int Waiting, TimeSpan LongestWait, WaitForGraph Graph,
    long Deadlocks, long Rollbacks, TimeSpan Cost)
{
    public static LockSample Empty(Guid targetId, DateTimeOffset at) => new(targetId, at, 0, TimeSpan.Zero, WaitForGraph.Build([], []), 0, 0, TimeSpan.Zero);
}

/// <summary>Whether a target's sampler reaches it: the Locks page shows "unreachable" with the error.</summary>
public sealed record SamplerStatus(Guid TargetId, bool Reachable, string? Error, DateTimeOffset Since);
