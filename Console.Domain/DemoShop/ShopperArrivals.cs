namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// Shoppers arriving at a checkout, each starting one attempt whether or not earlier ones have finished, as shoppers do.
/// Shared by the demo shop's traffic and the load rehearsals, so that both put the same kind of load on a database.
/// </summary>
public sealed class ShopperArrivals(int maxInFlight, TimeProvider time)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly List<Task> running = [];
    private int inFlight;

    /// <summary>Attempts started and not yet ended.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>
    /// Lets shoppers arrive at <paramref name="rateAt"/> per second until <paramref name="stop"/> fires (then throws
    /// <see cref="OperationCanceledException"/>), calling <paramref name="eachTick"/> every 20 ms. Before it returns or
    /// throws it waits for every attempt it started: they end on their own token, so that none outlives the caller's pool.
    /// </summary>
    public async Task RunAsync(Func<DateTimeOffset, double> rateAt, Func<Task> checkout, CancellationToken stop, Action<DateTimeOffset>? eachTick = null)
    {
        var nextArrival = time.GetUtcNow();
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = time.GetUtcNow();
                var rate = rateAt(now);
                // Beyond maxInFlight waiting shoppers, arrivals pause instead of piling up without bound; by then most of
                // them are waiting for a pooled connection and will fail on its timeout, which the figures show.
                // Shoppers arrive independently of each other (a Poisson process): evenly spaced arrivals would never
                // overlap at low rates, and overlapping checkouts are what contend.
                for (; nextArrival <= now && InFlight < maxInFlight; nextArrival += NextGap(rate))
                    Start(checkout);
                if (nextArrival < now - TimeSpan.FromSeconds(1))
                    nextArrival = now; // saturated: shoppers who found the shop full are not queued up for later
                running.RemoveAll(a => a.IsCompleted);
                eachTick?.Invoke(now);
            }
        }
        finally
        {
            await Task.WhenAll(running);
        }
    }

    /// <summary>Work beside the shoppers (pruning old orders) that <see cref="RunAsync"/> also waits for; call it from <c>eachTick</c>.</summary>
    public void Beside(Task work) => running.Add(work);

    private void Start(Func<Task> checkout)
    {
        Interlocked.Increment(ref inFlight);
        running.Add(TrackAsync(checkout));
    }

    private async Task TrackAsync(Func<Task> checkout)
    {
        try
        {
            await checkout();
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private static TimeSpan NextGap(double rate) => TimeSpan.FromSeconds(-Math.Log(1 - Random.Shared.NextDouble()) / rate);
}
