using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Locks;

/// <summary>
/// Runs one <see cref="TargetLockSampler"/> per registered target: new targets are picked up when registered
/// (the TargetUpdated event) or within a reconcile period. Prunes history past its retention once an hour.
/// With several console instances on one store, each target's sampler and the pruning run on one instance at a time
/// (<see cref="StoreLocks"/>); the others follow its ticks through the live bridge and take over when it dies.
/// </summary>
public sealed class LockSampler(IDbContextFactory<OpsDbContext> dbFactory, TargetConnections connections, LockMonitor monitor, LockHistory history,
    LiveEvents live, StoreLocks locks, IOptions<LockOptions> options, ConsoleMetrics metrics, TimeProvider time, ILoggerFactory loggers) : BackgroundService
{
    public const string PruneLock = "lock-history-prune";

    /// <summary>The store lock under which one instance samples a target.</summary>
    public static string SamplerLock(Guid targetId) => $"lock-sampler:{targetId}";

    private static readonly TimeSpan ReconcilePeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PrunePeriod = TimeSpan.FromHours(1);
    private readonly ILogger logger = loggers.CreateLogger<LockSampler>();
    // Read by the event subscriber on other threads, written by the loop.
    private readonly ConcurrentDictionary<Guid, (Task Task, CancellationTokenSource Stop)> running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        var wake = new SemaphoreSlim(0);
        using var subscription = live.Subscribe(e =>
        {
            // Any edit may have paused, resumed or retired a target: the reconcile reads which ones to sample.
            if (e is TargetUpdated)
                wake.Release();
            return Task.CompletedTask;
        });
        var pruning = Task.Run(() => locks.RunWhileHoldingAsync(PruneLock, PruneAsync, stoppingToken), CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await StartNewTargetsAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Lock sampler could not read the targets");
                }
                await wake.WaitAsync(ReconcilePeriod, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await Task.WhenAll([.. running.Values.Select(r => r.Task), pruning]);
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(PrunePeriod, time);
        do
        {
            try
            {
                var (pruned, snapshots) = await history.PruneAsync(ct);
                DayPartitions.Log(logger, "lock snapshots", snapshots);
                if (pruned > 0)
                    logger.LogInformation("Pruned {Count} lock history rows past their retention", pruned);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not prune the lock history");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    private async Task StartNewTargetsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var targets = await db.Targets.AsNoTracking().Where(Target.Monitored).ToListAsync(ct);
        // Paused or retired since the last pass: its sampler stops, closes its connection and lets its store lock go.
        foreach (var id in running.Keys.Except(targets.Select(t => t.Id)))
            if (running.TryRemove(id, out var stopped))
            {
                await stopped.Stop.CancelAsync();
                _ = stopped.Task.ContinueWith(_ => stopped.Stop.Dispose(), TaskScheduler.Default);
            }
        foreach (var target in targets.Where(t => !running.ContainsKey(t.Id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // A new sampler at every hold: its first tick after a takeover sets the counters' baseline afresh.
            running[target.Id] = (Task.Run(() => locks.RunWhileHoldingAsync(SamplerLock(target.Id),
                token => new TargetLockSampler(target, options.Value, connections, monitor, history, live, dbFactory, metrics, time, logger).RunAsync(token),
                stop.Token), CancellationToken.None), stop);
        }
    }
}
