using Microsoft.Extensions.Time.Testing;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Domain;

/// <summary>
/// The throttle on a fake clock: "not yet" is exact (the clock has not reached the gap), and a render that is due is
/// awaited with a deadline, because the delay's continuation runs on the thread pool.
/// </summary>
public sealed class RenderThrottleTests : IDisposable
{
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Due = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new();
    private readonly RenderThrottle throttle;
    private int renders;
    private Action? duringRender;

    public RenderThrottleTests() => throttle = new RenderThrottle(Gap, Render, time);

    private int Renders => Volatile.Read(ref renders);

    private Task Render()
    {
        Interlocked.Increment(ref renders);
        duringRender?.Invoke();
        return Task.CompletedTask;
    }

    private Task<int> RendersReach(int count) => Poll.UntilAsync(() => Task.FromResult(Renders), n => n >= count, Due, $"{count} renders");

    [Fact]
    public void TheFirstRequest_RendersAtOnce()
    {
        throttle.Request();

        Assert.Equal(1, Renders);
    }

    [Fact]
    public async Task ABurstOfRequests_WithinAGap_RendersOnceMore_AtTheEndOfTheGap()
    {
        throttle.Request();
        for (var i = 0; i < 10; i++)
        {
            throttle.Request();
            time.Advance(Gap / 20);
        }
        Assert.Equal(1, Renders);

        time.Advance(Gap / 2);

        await RendersReach(2);
        time.Advance(Gap * 4);
        Assert.Equal(2, Renders);
    }

    [Fact]
    public async Task ARequestHalfAGapAfterARender_WaitsOnlyTheRestOfTheGap()
    {
        throttle.Request();
        time.Advance(Gap / 2);

        throttle.Request();
        time.Advance(Gap / 2 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Renders);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await RendersReach(2);
    }

    [Fact]
    public async Task ARequestArrivingDuringARender_IsNotLost()
    {
        duringRender = () =>
        {
            duringRender = null;
            throttle.Request();
        };

        throttle.Request();
        Assert.Equal(1, Renders);
        time.Advance(Gap);

        await RendersReach(2);
    }

    [Fact]
    public void ARequestAfterDispose_RendersNothing()
    {
        throttle.Request();
        time.Advance(Gap * 2);

        throttle.Dispose();
        throttle.Request();

        Assert.Equal(1, Renders);
    }

    [Fact]
    public async Task ARenderPendingAtDispose_DoesNotHappen()
    {
        var witnessRenders = 0;
        using var witness = new RenderThrottle(Gap, () => { Interlocked.Increment(ref witnessRenders); return Task.CompletedTask; }, time);
        throttle.Request();
        witness.Request();
        throttle.Request();
        witness.Request();

        throttle.Dispose();
        time.Advance(Gap);

        // The witness's pending render came due at the same moment: once it ran, the disposed throttle's had its turn.
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref witnessRenders)), n => n == 2, Due, "the witness's second render");
        await Task.Yield();
        Assert.Equal(1, Renders);
    }

    public void Dispose() => throttle.Dispose();
}
