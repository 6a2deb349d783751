using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// The demo shop's customers: real, concurrent checkout transactions against the shop target, arriving at the
/// configured rate (times the peak factor during a peak) whether or not earlier ones have finished, as shoppers
/// do. Each attempt's real outcome is counted and reported as a <see cref="CheckoutEvent"/>. With several console
/// instances on one store, one of them plays the shoppers at a time (<see cref="StoreLocks"/>).
/// </summary>
public sealed class DemoShopTraffic(DemoShopControl control, DemoShopCounters counters, IDbContextFactory<OpsDbContext> dbFactory,
    TargetConnections connections, StoreLocks locks, IServiceProvider services, TimeProvider time, ILogger<DemoShopTraffic> logger) : BackgroundService
{
    public const string Lock = "demo-shop";

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var state = control.Current;
            counters.SetRunning(state.Running);
            using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, state.Superseded);
            try
            {
                if (state.Running)
                    await locks.RunWhileHoldingAsync(Lock, token => RunAsync(state.Settings, token), run.Token);
                else
                    await Task.Delay(Timeout.Infinite, run.Token);
            }
            catch (Exception) when (run.IsCancellationRequested) { } // stopped, retuned, or the console is stopping
            catch (Exception e)
            {
                counters.SetError(e.Message);
                logger.LogWarning(e, "The demo shop's workload on {Target} failed; retrying in {Delay}", state.Settings.Target, RetryAfter);
                await WaitQuietlyAsync(RetryAfter, run.Token);
            }
        }
        counters.SetRunning(false);
    }

    private async Task RunAsync(DemoShopOptions o, CancellationToken ct)
    {
        await using var db = await OpenShopAsync(o, ct);
        await ShopSchema.EnsureAsync(db, o.Products, ct);
        var prices = await ShopSchema.ReadPricesAsync(db, ct);
        await using var scope = services.CreateAsyncScope();
        // The ingest service is the real sink; without one the shop still runs and counts.
        await using var reporter = new CheckoutEventReporter(scope.ServiceProvider.GetService<ICheckoutEventSink>(), time, logger);
        var gateway = new SimulatedPaymentGateway(o.PaymentLatencyMin, o.PaymentLatencyMax, o.DeclineRate, time);
        counters.SetError(null);
        logger.LogInformation("The demo shop runs on {Target}: {Rate}/s, {Concurrency} connections", o.Target, o.RatePerSecond, o.Concurrency);

        // Beyond this many waiting shoppers, arrivals pause instead of piling up without bound; by then most
        // of them are waiting for a pooled connection and will fail on its timeout, which the counters show.
        var maxInFlight = o.Concurrency * 4;
        var attempts = new List<Task>();
        var nextArrival = time.GetUtcNow();
        var nextPrune = time.GetUtcNow();
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = time.GetUtcNow();
                var (rate, inPeak) = o.RateAt(now);
                counters.SetPace(rate, inPeak);
                // Shoppers arrive independently of each other (a Poisson process): evenly spaced arrivals would
                // never overlap at low rates, and overlapping checkouts are what contend.
                for (; nextArrival <= now && counters.InFlight < maxInFlight; nextArrival += NextGap(rate))
                    attempts.Add(AttemptAsync(db, o, ShopCart.Pick(o, prices, Random.Shared), gateway, reporter, ct));
                if (nextArrival < now - TimeSpan.FromSeconds(1))
                    nextArrival = now; // saturated: shoppers who found the shop full are not queued up for later
                attempts.RemoveAll(a => a.IsCompleted);

                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow() + PruneEvery;
                    attempts.Add(PruneAsync(db, o.OrderRetention, ct));
                }
            }
        }
        finally
        {
            // Cancelled attempts end within the driver's cancellation round trip; wait so that none outlives the pool.
            await Task.WhenAll(attempts);
        }
    }

    private async Task AttemptAsync(NpgsqlDataSource db, DemoShopOptions o, ShopCart cart, SimulatedPaymentGateway gateway,
        CheckoutEventReporter reporter, CancellationToken ct)
    {
        counters.AttemptStarted();
        try
        {
            var started = time.GetTimestamp();
            string? errorClass = null, errorCode = null;
            try
            {
                await CheckoutTransaction.RunWithRetriesAsync(db, cart, o.LineLatency, gateway, time, ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return; // stopped or retuned mid-checkout: no shopper saw an outcome
            }
            catch (Exception e)
            {
                (errorClass, errorCode) = CheckoutFailures.Classify(e);
            }
            counters.Record(errorClass);
            reporter.Add(new CheckoutEvent(Guid.CreateVersion7().ToString(), time.GetUtcNow(),
                errorClass is null ? CheckoutOutcome.Succeeded : CheckoutOutcome.Failed, errorClass, errorCode,
                time.GetElapsedTime(started).TotalMilliseconds, cart.TotalCents / 100m, "EUR", cart.Region, "checkout", o.Target));
        }
        finally
        {
            counters.AttemptEnded();
        }
    }

    private static TimeSpan NextGap(double rate) => TimeSpan.FromSeconds(-Math.Log(1 - Random.Shared.NextDouble()) / rate);

    private async Task PruneAsync(NpgsqlDataSource db, TimeSpan retention, CancellationToken ct)
    {
        try
        {
            var deleted = await ShopSchema.PruneAsync(db, retention, ct);
            if (deleted > 0)
                logger.LogDebug("The demo shop pruned {Count} old orders", deleted);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "The demo shop could not prune old orders");
        }
        catch (Exception) { }
    }

    /// <summary>
    /// The shop's own pool, sized like a checkout service's: when every connection is busy, shoppers wait for
    /// one (up to the attempt timeout) instead of opening more. No lock_timeout: the target's settings decide.
    /// </summary>
    private async Task<NpgsqlDataSource> OpenShopAsync(DemoShopOptions o, CancellationToken ct)
    {
        Target target;
        await using (var store = await dbFactory.CreateDbContextAsync(ct))
            target = await store.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Name == o.Target, ct)
                ?? throw new InvalidOperationException($"No target named {o.Target} is registered.");
        var seconds = (int)o.AttemptTimeout.TotalSeconds;
        var builder = new NpgsqlConnectionStringBuilder(connections.Unprotect(target))
        {
            Pooling = true,
            MinPoolSize = 0,
            MaxPoolSize = o.Concurrency,
            Timeout = seconds,
            CommandTimeout = seconds,
            MaxAutoPrepare = 16,
            ApplicationName = "OpsConsole demo shop",
        };
        if (o.StatementTimeout > TimeSpan.Zero)
            builder.Options = $"{builder.Options} -c statement_timeout={(long)o.StatementTimeout.TotalMilliseconds}".Trim();
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    private async Task WaitQuietlyAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
        }
        catch (OperationCanceledException) { }
    }
}
