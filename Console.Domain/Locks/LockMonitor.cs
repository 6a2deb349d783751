using System.Collections.Concurrent;

namespace OpsConsole.Domain.Locks;

/// <summary>
/// The latest sample and the sampler's status per target, in memory: what the Locks page draws live and what
/// Health shows beside checkout figures. History lives in the store (<see cref="LockHistory"/>).
/// </summary>
public sealed class LockMonitor
{
    private readonly ConcurrentDictionary<Guid, LockSample> latest = new();
    private readonly ConcurrentDictionary<Guid, SamplerStatus> status = new();

    public LockSample? Latest(Guid targetId) => latest.GetValueOrDefault(targetId);

    public SamplerStatus? Status(Guid targetId) => status.GetValueOrDefault(targetId);

    internal void Record(LockSample sample) => latest[sample.TargetId] = sample;

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
}
