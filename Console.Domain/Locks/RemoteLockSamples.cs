using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Locks;

/// <summary>
/// Lock ticks sampled by another console instance (one instance samples each target), brought here by
/// <see cref="PostgresLiveBridge"/>: recorded into this instance's <see cref="LockMonitor"/> and published as
/// <see cref="LocksSampled"/>, so that its Locks and Health pages draw the same live graph as the sampler's.
/// </summary>
public sealed class RemoteLockSamples(LockHistory history, LockMonitor monitor, LiveEvents live, ILogger<RemoteLockSamples> logger)
{
    internal async Task ReceiveAsync(LockTickNotice notice, CancellationToken ct = default)
    {
        var graph = WaitForGraph.Build([], []);
        if (notice.SnapshotId is { } id)
        {
            try
            {
                if (await history.SnapshotAsync(id, ct) is { } stored)
                    graph = stored.ToGraph();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not read the lock snapshot {SnapshotId} another instance sampled: {Error}", id, e.Message);
            }
        }
        // Reads finish out of order now and then: an older tick never replaces a newer one.
        if (monitor.Latest(notice.TargetId) is { } current && current.At >= notice.At)
            return;
        var sample = new LockSample(notice.TargetId, notice.At, notice.Waiting, TimeSpan.FromMilliseconds(notice.LongestWaitMs), graph,
            notice.Deadlocks, notice.Rollbacks, TimeSpan.FromMilliseconds(notice.CostMs));
        monitor.SetStatus(notice.TargetId, true, null, notice.At);
        monitor.Record(sample);
        live.Publish(new LocksSampled(sample.TargetId, sample.At, sample.Waiting, sample.Deadlocks) { Remote = true });
    }

    internal void Receive(LockStatusNotice notice)
    {
        monitor.SetStatus(notice.TargetId, notice.Reachable, notice.Error, notice.Since);
        live.Publish(new LockSamplerStatusChanged(notice.TargetId, notice.Reachable, notice.Error, notice.Since) { Remote = true });
    }
}
