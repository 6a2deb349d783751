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
        await WarmUpAsync(db, o.Concurrency, ct);
        await using var scope = services.CreateAsyncScope();
        // The ingest service is the real sink; without one the shop still runs and counts.
        await using var reporter = new CheckoutEventReporter(scope.ServiceProvider.GetService<ICheckoutEventSink>(), time, logger);
        var gateway = new SimulatedPaymentGateway(o.PaymentLatencyMin, o.PaymentLatencyMax, o.DeclineRate, time);
        counters.SetError(null);
        logger.LogInformation("The demo shop runs on {Target}: {Rate}/s, {Concurrency} connections", o.Target, o.RatePerSecond, o.Concurrency);

        var arrivals = new ShopperArrivals(o.Concurrency * 4, time);
        var nextPrune = time.GetUtcNow();
        await arrivals.RunAsync(now =>
        {
            var (rate, inPeak) = o.RateAt(now);
            counters.SetPace(rate, inPeak);
            return rate;
        }, () => AttemptAsync(db, o, ShopCart.Pick(o, prices, Random.Shared), gateway, reporter, ct), ct, now =>
        {
            if (now < nextPrune)
                return;
            nextPrune = now + PruneEvery;
            arrivals.Beside(PruneAsync(db, o.OrderRetention, ct));
        });
    }

    private async Task AttemptAsync(NpgsqlDataSource db, DemoShopOptions o, ShopCart cart, SimulatedPaymentGateway gateway,
        CheckoutEventReporter reporter, CancellationToken ct)
    {
        var attemptNumber = counters.AttemptStarted();
        try
        {
            var attempt = await CheckoutAttempt.RunAsync(db, cart, o.LineLatency, gateway, time, ct);
            if (attempt is null)
                return; // stopped or retuned mid-checkout: no shopper saw an outcome
            counters.Record(attempt.ErrorClass);
            reporter.Add(new CheckoutEvent(Guid.CreateVersion7().ToString(), time.GetUtcNow(),
                attempt.Succeeded ? CheckoutOutcome.Succeeded : CheckoutOutcome.Failed, attempt.ErrorClass, attempt.ErrorCode,
                attempt.Elapsed.TotalMilliseconds, cart.TotalCents / 100m, "EUR", cart.Region, "checkout", o.Target));
        }
        finally
        {
            counters.AttemptEnded(attemptNumber);
        }
    }

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
    /// Opens the pool's connections before the first shopper arrives, as a checkout service is up before its traffic: on a
    /// busy machine a cold connection takes long enough for the first shoppers to time out waiting for one, and those
    /// failures (enough to page at peak) would be the shop's start, not its database's.
    /// </summary>
    private static async Task WarmUpAsync(NpgsqlDataSource db, int connections, CancellationToken ct)
    {
        // Held together, so that each open is a new physical connection, not the last one back from the pool.
        var opened = new List<NpgsqlConnection>(connections);
        try
        {
            for (var i = 0; i < connections; i++)
                opened.Add(await db.OpenConnectionAsync(ct));
        }
        finally
        {
            foreach (var connection in opened)
                await connection.DisposeAsync();
        }
    }

    /// <summary>The shop's own pool (<see cref="ShopPool"/>) on its registered target.</summary>
    private async Task<NpgsqlDataSource> OpenShopAsync(DemoShopOptions o, CancellationToken ct)
    {
        Target target;
        await using (var store = await dbFactory.CreateDbContextAsync(ct))
            target = await store.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Name == o.Target, ct)
                ?? throw new InvalidOperationException($"No target named {o.Target} is registered.");
        return ShopPool.Create(connections.Unprotect(target), o, "OpsConsole demo shop");
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
