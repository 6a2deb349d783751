using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Locks;

/// <summary>
/// Samples one target every interval on one dedicated connection. A target that does not answer is marked
/// unreachable and retried with a doubling wait (up to MaxBackoff); the loop never ends on a target's fault.
/// </summary>
internal sealed class TargetLockSampler(Target target, LockOptions options, TargetConnections connections, LockMonitor monitor,
    LockHistory history, LiveEvents live, IDbContextFactory<OpsDbContext> dbFactory, ConsoleMetrics metrics, TimeProvider time, ILogger logger)
{
    public const string ApplicationName = "OpsConsole lock sampler";

    private (long Deadlocks, long Rollbacks)? previous;

    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        NpgsqlConnection? connection = null;
        using var timer = new PeriodicTimer(options.SampleInterval, time);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                LockSample sample;
                var tick = Stopwatch.StartNew();
                try
                {
                    connection ??= await connections.OpenDedicatedAsync(target, ApplicationName, options.StatementTimeout, ct);
                    sample = await SampleAsync(connection, ct);
                }
                catch (Exception e) when (IsTargetFault(e) && !ct.IsCancellationRequested)
                {
                    await DisposeAsync(connection);
                    connection = null;
                    previous = null;
                    failures++;
                    await SetReachableAsync(false, e.Message, ct);
                    await Task.Delay(Backoff(failures), time, ct);
                    continue;
                }
                failures = 0;
                await SetReachableAsync(true, null, ct);
                await KeepAsync(sample, tick, ct);
                await timer.WaitForNextTickAsync(ct);
            }
        }
        // Stopping: whatever the driver threw for the cancelled statement (OperationCanceledException or an NpgsqlException).
        catch (Exception) when (ct.IsCancellationRequested) { }
        finally
        {
            metrics.LockSamplerStopped(target.Name);
            await DisposeAsync(connection);
        }
    }

    /// <summary>What a tick does with its sample: in memory, in the store, and told (the benchmark times a tick whole by this).</summary>
    internal async Task KeepAsync(LockSample sample, Stopwatch tick, CancellationToken ct)
    {
        monitor.Record(sample);
        // Told after the history write, so that a page reloading its history on this event finds the tick stored.
        var snapshotId = await RecordHistoryAsync(sample, ct);
        live.Publish(new LocksSampled(target.Id, sample.At, sample.Waiting, sample.Deadlocks) { Sample = sample, SnapshotId = snapshotId });
        metrics.LockTick(target.Name, tick.Elapsed);
    }

    /// <summary>One tick: the reading, the counters' change since the previous tick, and the graph.</summary>
    public async Task<LockSample> SampleAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var reading = await LockQueries.ReadAsync(connection, ct);
        // The graph is measured whole, then kept capped: what a tick holds and stores has a bound when a target piles up.
        var graph = WaitForGraph.Build(reading.Backends, reading.Waits).Capped(options.MaxSessions);
        // The first tick after (re)connecting sets the baseline; a counter that went down was reset (pg_stat_reset).
        var deadlocks = previous is { } p ? Math.Max(0, reading.DeadlocksTotal - p.Deadlocks) : 0;
        var rollbacks = previous is { } q ? Math.Max(0, reading.RollbacksTotal - q.Rollbacks) : 0;
        previous = (reading.DeadlocksTotal, reading.RollbacksTotal);
        var longest = reading.Backends.Select(b => b.WaitDuration ?? TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Max();
        return new LockSample(target.Id, time.GetUtcNow(), reading.Waiting, longest, graph, deadlocks, rollbacks, clock.Elapsed);
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(options.SampleInterval.Ticks * (1L << Math.Min(failures, 16)), options.MaxBackoff.Ticks));

    /// <summary>A change of reachability is stored on the target (Admin and Locks pages show it) and told once.</summary>
    private async Task SetReachableAsync(bool reachable, string? error, CancellationToken ct)
    {
        if (!monitor.SetStatus(target.Id, reachable, error, time.GetUtcNow()))
            return;
        if (!reachable)
            logger.LogWarning("Lock sampler: target {Target} does not answer: {Error}", target.Name, error);
        else
            logger.LogInformation("Lock sampler: sampling target {Target}", target.Name);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var stored = await db.Targets.FirstOrDefaultAsync(t => t.Id == target.Id, ct);
            stored?.RecordCheck(time.GetUtcNow(), null, error);
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not store the status of target {Target}", target.Name);
        }
        live.Publish(new TargetUpdated(target.Id));
        live.Publish(new LockSamplerStatusChanged(target.Id, reachable, error, time.GetUtcNow()));
    }

    // The store being briefly unavailable must not stop live sampling: the page still draws from memory.
    private async Task<long?> RecordHistoryAsync(LockSample sample, CancellationToken ct)
    {
        try
        {
            return await history.RecordAsync(sample, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not store the lock history of target {Target}", target.Name);
            return null;
        }
    }

    private static bool IsTargetFault(Exception e) => e is TargetUnavailableException or NpgsqlException or TimeoutException or SocketException or InvalidOperationException;

    private static async Task DisposeAsync(NpgsqlConnection? connection)
    {
        if (connection is not null)
            await connection.DisposeAsync();
    }
}
