using Microsoft.Extensions.Logging;
using Npgsql;
using OpsConsole.Domain.DemoShop;

namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// Where a run stands, once a second: time gone (past <see cref="Duration"/> while the last checkouts end), totals so far,
/// the checkouts under way, the longest lock wait so far, and the last whole second.
/// </summary>
public sealed record LoadProgress(TimeSpan Elapsed, TimeSpan Duration, long Attempted, long Failed, int InFlight, TimeSpan LongestLockWait, RunSecond? LastSecond);

/// <summary>
/// One measured load run: the demo shop's checkout (<see cref="CheckoutTransaction"/>, retries and all) at a profile's
/// pace against a given database for a given time, on a pool and counters of its own, independent of the running demo
/// shop. Shoppers arrive for <c>duration</c>; the checkouts under way then are waited for (each is bounded by the
/// shop's attempt timeout), so that every started checkout is counted with its real outcome. Cancelling stops the load
/// at once and throws: a cut-short run has no figures.
/// </summary>
public sealed class RehearsalLoad(TimeProvider time, ILogger<RehearsalLoad> logger)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);

    /// <summary>The longest current wait for a lock among the run's own sessions, in seconds (waitstart: PostgreSQL 14 on).</summary>
    private const string ReadLongestWait = """
        SELECT coalesce(extract(epoch FROM max(clock_timestamp() - l.waitstart)), 0)::float8
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND a.application_name = $1
        """;

    public async Task<RunFigures> RunAsync(string connectionString, RehearsalProfileSettings profile, TimeSpan duration,
        Action<LoadProgress>? progress, CancellationToken ct)
    {
        profile.Check();
        if (duration <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A run lasts a while.");
        var o = profile.ToShopOptions();
        // Its own name, so that its sessions (and their lock waits) are told apart from everyone else's on the target.
        var runName = $"OpsConsole rehearsal {Guid.NewGuid().ToString("N")[..12]}";
        var monitorBuilder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false, Timeout = 5, CommandTimeout = 5, ApplicationName = "OpsConsole rehearsal monitor",
        };
        await using var monitor = new NpgsqlConnection(monitorBuilder.ConnectionString);
        await monitor.OpenAsync(ct);
        var db = ShopPool.Create(connectionString, o, runName);
        try
        {
            await ShopSchema.EnsureAsync(db, o.Products, ct);
            var prices = await ShopSchema.ReadPricesAsync(db, ct);
            var gateway = new SimulatedPaymentGateway(o.PaymentLatencyMin, o.PaymentLatencyMax, o.DeclineRate, time);
            var deadlocksBefore = await RunMonitor.DeadlocksAsync(monitor, ct);
            logger.LogInformation("A rehearsal run starts: {Pace}/s on {Connections} connections for {Duration} ({Run})",
                profile.PacePerSecond, profile.ConcurrentShoppers, duration, runName);

            var recorder = new RunRecorder(time);
            var arrivals = new ShopperArrivals(o.Concurrency * 4, time);
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampler = SampleAsync(monitor, runName, recorder, arrivals, duration, progress, sampling.Token);
            using var timed = new CancellationTokenSource(duration, time);
            using var arriving = CancellationTokenSource.CreateLinkedTokenSource(ct, timed.Token);
            try
            {
                await arrivals.RunAsync(_ => profile.PacePerSecond, async () =>
                {
                    var attempt = await CheckoutAttempt.RunAsync(db, ShopCart.Pick(o, prices, Random.Shared), o.LineLatency, gateway, time, ct);
                    if (attempt is not null)
                        recorder.Ended(attempt.ErrorClass, attempt.Elapsed);
                }, arriving.Token);
            }
            catch (OperationCanceledException) when (timed.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // The duration is over, and every checkout started in it has ended.
            }
            finally
            {
                await sampling.CancelAsync();
                await sampler;
            }
            ct.ThrowIfCancellationRequested();
            var elapsed = recorder.Elapsed;

            await db.DisposeAsync();
            await RunMonitor.WaitForSessionsToCloseAsync(monitor, runName, time, logger, ct);
            var deadlocks = await RunMonitor.DeadlocksAsync(monitor, ct) - deadlocksBefore;
            var figures = recorder.Figures(elapsed, deadlocks);
            logger.LogInformation("A rehearsal run ended: {Attempted} checkouts, {Failed} failed, {Deadlocks} deadlocks, p95 {P95} ms ({Run})",
                figures.Attempted, figures.Failed, figures.Deadlocks, figures.P95Ms, runName);
            return figures;
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    /// <summary>Every second: the longest lock wait among the run's sessions, and the progress callback.</summary>
    private async Task SampleAsync(NpgsqlConnection monitor, string runName, RunRecorder recorder, ShopperArrivals arrivals, TimeSpan duration,
        Action<LoadProgress>? progress, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(SampleEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    recorder.SawLockWait(TimeSpan.FromSeconds(await RunMonitor.ScalarAsync<double>(monitor, ReadLongestWait, runName, ct)));
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
                {
                    // A missed sample loses at most a second's view of a wait still under way; the next one sees it.
                    logger.LogWarning(e, "A rehearsal's lock sample failed ({Run})", runName);
                }
                var (attempted, failed, longest) = recorder.Totals();
                progress?.Invoke(new LoadProgress(recorder.Elapsed, duration, attempted, failed, arrivals.InFlight, longest, recorder.LastWholeSecond()));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}
