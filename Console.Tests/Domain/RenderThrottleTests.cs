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
    [ThreadStatic] private static bool requesting;
    private volatile bool renderedOnTheRequestingThread;

    public RenderThrottleTests() => throttle = new RenderThrottle(Gap, Render, time);

    private int Renders => Volatile.Read(ref renders);

    private Task Render()
    {
        renderedOnTheRequestingThread |= requesting;
        Interlocked.Increment(ref renders);
        duringRender?.Invoke();
        return Task.CompletedTask;
    }

    private Task<int> RendersReach(int count) => Poll.UntilAsync(() => Task.FromResult(Renders), n => n >= count, Due, $"{count} renders");

    [Fact]
    public async Task TheFirstRequest_RendersAtOnce()
    {
        throttle.Request();

        await RendersReach(1);
    }

    [Fact]
    public async Task ARequest_RendersOffTheRequestingThread()
    {
        // The live bus asks every open page from one thread: a render there would queue the other pages behind it.
        requesting = true;
        try { throttle.Request(); }
        finally { requesting = false; }

        await RendersReach(1);
        Assert.False(renderedOnTheRequestingThread);
    }

    [Fact]
    public async Task ABurstOfRequests_WithinAGap_RendersOnceMore_AtTheEndOfTheGap()
    {
        throttle.Request();
        await RendersReach(1);
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
        await RendersReach(1);
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
        await RendersReach(1);
        time.Advance(Gap);

        await RendersReach(2);
    }

    [Fact]
    public async Task ARequestAfterDispose_RendersNothing()
    {
        var witnessRenders = 0;
        using var witness = new RenderThrottle(Gap, () => { Interlocked.Increment(ref witnessRenders); return Task.CompletedTask; }, time);
        throttle.Request();
        await RendersReach(1);
        time.Advance(Gap * 2);

        throttle.Dispose();
        throttle.Request();
        witness.Request();

        // The witness's render was queued after the disposed throttle's would have been: once it ran, that one had its turn.
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref witnessRenders)), n => n == 1, Due, "the witness's render");
        await Task.Yield();
        Assert.Equal(1, Renders);
    }

    [Fact]
    public async Task AnUrgentRequest_JustAfterARoutineRender_RendersAtOnce()
    {
        throttle.Request();
        await RendersReach(1);
        time.Advance(Gap / 10);

        throttle.Request(urgent: true);

        await RendersReach(2);
    }

    [Fact]
    public async Task AnUrgentRequest_MovesAPendingRoutineRenderEarlier_AndItRendersOnce()
    {
        var witnessRenders = 0;
        using var witness = new RenderThrottle(Gap, () => { Interlocked.Increment(ref witnessRenders); return Task.CompletedTask; }, time);
        throttle.Request();
        witness.Request();
        await RendersReach(1);
        // The witness's first render is queued on the thread pool too: a request made before it runs is folded into it
        // (seen in CI), and the witness would never render a second time.
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref witnessRenders)), n => n == 1, Due, "the witness's first render");
        throttle.Request(); // due at the end of the gap
        witness.Request(); // due then too
        time.Advance(Gap / 10);

        throttle.Request(urgent: true);
        await RendersReach(2);
        time.Advance(Gap * 4);

        // The routine request was rendered with the urgent one: nothing was left for the end of the gap, when the witness rendered.
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref witnessRenders)), n => n == 2, Due, "the witness's second render");
        await Task.Yield();
        Assert.Equal(2, Renders);
    }

    [Fact]
    public async Task AnUrgentRequest_JustAfterAnUrgentRender_WaitsForTheRestOfTheGap()
    {
        throttle.Request(urgent: true);
        await RendersReach(1);
        time.Advance(Gap / 2);

        throttle.Request(urgent: true);
        time.Advance(Gap / 2 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, Renders);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await RendersReach(2);
    }

    [Fact]
    public async Task AStormOfUrgentAndRoutineRequests_RendersAtMostTwicePerGap()
    {
        throttle.Request(urgent: true);
        await RendersReach(1);
        // Ten gaps of requests of both kinds, every tenth of a gap; each step waits for what came due to render.
        for (var i = 0; i < 100; i++)
        {
            throttle.Request(urgent: i % 2 == 0);
            time.Advance(Gap / 10);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
        time.Advance(Gap * 2);
        await Poll.UntilAsync(async () => { var before = Renders; await Task.Delay(100, TestContext.Current.CancellationToken); return Renders == before; }, same => same, Due, "the renders to settle");

        Assert.InRange(Renders, 2, 1 + 2 * 11);
    }

    [Fact]
    public async Task ARenderPendingAtDispose_DoesNotHappen()
    {
        var witnessRenders = 0;
        using var witness = new RenderThrottle(Gap, () => { Interlocked.Increment(ref witnessRenders); return Task.CompletedTask; }, time);
        throttle.Request();
        witness.Request();
        await RendersReach(1);
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref witnessRenders)), n => n == 1, Due, "the witness's first render");
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
