using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// Hands the shop's checkout events to the sink in batches (every 250 ms, at most 500 at a time), off the
/// checkout path: a slow sink never slows checkouts, and when it falls far behind the oldest events go first.
/// </summary>
internal sealed class CheckoutEventReporter : IAsyncDisposable
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);

    private readonly ICheckoutEventSink? sink;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Channel<CheckoutEvent> queue =
        Channel.CreateBounded<CheckoutEvent>(new BoundedChannelOptions(50_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Task flushing;
    private DateTimeOffset lastWarning = DateTimeOffset.MinValue;

    public CheckoutEventReporter(ICheckoutEventSink? sink, TimeProvider time, ILogger logger)
    {
        (this.sink, this.time, this.logger) = (sink, time, logger);
        flushing = sink is null ? Task.CompletedTask : Task.Run(FlushLoopAsync);
    }

    /// <summary>Queues one event; without a sink there is nowhere to send it and it is not kept.</summary>
    public void Add(CheckoutEvent checkout)
    {
        if (sink is not null)
            queue.Writer.TryWrite(checkout);
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<CheckoutEvent>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            try
            {
                await Task.Delay(FlushEvery, time);
            }
            catch (ObjectDisposedException) { }
            while (queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                if (batch.Count == MaxBatch)
                    await StoreAsync(batch);
            }
            if (batch.Count > 0)
                await StoreAsync(batch);
        }
    }

    private async Task StoreAsync(List<CheckoutEvent> batch)
    {
        try
        {
            // Bounded, so that a hung sink cannot keep the workload from stopping.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // A busy ingest says when to come back, as it tells an HTTP client with 429 and Retry-After.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await sink!.StoreAsync([.. batch], timeout.Token);
                    break;
                }
                catch (CheckoutIngestBusyException busy) when (attempt < 5)
                {
                    await Task.Delay(busy.RetryAfter, time, timeout.Token);
                }
            }
        }
        catch (Exception e)
        {
            // At most one warning every 30 s: a sink that is down would otherwise log four times a second.
            if (time.GetUtcNow() - lastWarning > TimeSpan.FromSeconds(30))
            {
                lastWarning = time.GetUtcNow();
                logger.LogWarning(e, "The demo shop could not store {Count} checkout events; they are dropped", batch.Count);
            }
        }
        batch.Clear();
    }

    /// <summary>Sends what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await flushing;
    }
}
