using OpsConsole.Domain.Locks;

namespace OpsConsole.Domain.Live;

/// <summary>
/// A lock sampler tick on its way to the other instances: the figures, and the id of the tick's stored snapshot when
/// something waited. Never the graph itself: a busy tick's graph is far larger than a NOTIFY may carry (8000 bytes), and
/// the sampler has stored it already, so the receivers read it from the store by id.
/// </summary>
public sealed record LockTickNotice(Guid TargetId, DateTimeOffset At, int Waiting, double LongestWaitMs, long Deadlocks, long Rollbacks,
    double CostMs, long? SnapshotId)
{
    public static LockTickNotice Of(LockSample sample, long? snapshotId) => new(sample.TargetId, sample.At, sample.Waiting,
        sample.LongestWait.TotalMilliseconds, sample.Deadlocks, sample.Rollbacks, sample.Cost.TotalMilliseconds, snapshotId);
}

/// <summary>A sampler's reachability change, for the other instances; the error is cut to fit any NOTIFY.</summary>
public sealed record LockStatusNotice(Guid TargetId, bool Reachable, string? Error, DateTimeOffset Since)
{
    private const int MaxErrorLength = 1000;

    public static LockStatusNotice Of(LockSamplerStatusChanged e) =>
        new(e.TargetId, e.Reachable, e.Error is { Length: > MaxErrorLength } text ? text[..MaxErrorLength] + "…" : e.Error, e.Since);
}
