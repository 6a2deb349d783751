using Microsoft.Extensions.Time.Testing;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Domain;

/// <summary>The shoppers' arrivals shared by the demo shop and the rehearsals: capped while the shop is full, and stopped without abandoning anyone.</summary>
public sealed class ShopperArrivalsTests
{
    [Fact]
    public async Task Arrivals_PauseAtTheCap_ResumeWhenCheckoutsEnd_AndAStopWaitsForEveryCheckoutStarted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var arrivals = new ShopperArrivals(maxInFlight: 3, time);
        var release = new TaskCompletionSource();
        int started = 0, ended = 0, ticks = 0;
        using var stop = new CancellationTokenSource();
        var run = arrivals.RunAsync(_ => 1000, async () =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
            Interlocked.Increment(ref ended);
        }, stop.Token, _ => Interlocked.Increment(ref ticks));

        // A thousand a second would start dozens in these ticks; the cap holds them at three.
        await TicksAsync(time, () => ticks, 5);
        Assert.Equal((3, 3), (Volatile.Read(ref started), arrivals.InFlight));

        release.SetResult();
        await Poll.UntilAsync(() => Task.FromResult(arrivals.InFlight), n => n == 0 || Volatile.Read(ref started) > 3, TimeSpan.FromSeconds(10), "the checkouts to end");
        await TicksAsync(time, () => ticks, 2);
        Assert.True(Volatile.Read(ref started) > 3, "arrivals resume once checkouts end");

        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(Volatile.Read(ref started), Volatile.Read(ref ended));
        Assert.Equal(0, arrivals.InFlight);
    }

    /// <summary>Advances the clock a tick at a time until the loop has run <paramref name="count"/> more ticks.</summary>
    private static async Task TicksAsync(FakeTimeProvider time, Func<int> ticks, int count)
    {
        var target = ticks() + count;
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            return Task.FromResult(ticks());
        }, n => n >= target, TimeSpan.FromSeconds(10), $"{count} ticks");
    }
}
