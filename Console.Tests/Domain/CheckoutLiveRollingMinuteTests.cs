using Microsoft.Extensions.Time.Testing;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Domain;

/// <summary>
/// The live figures for many open dashboards (decisions/0037): the rolling minute is computed once for all, yet moves with
/// every batch, every second that closes and every second that leaves the window; a batch is announced before the ticks it causes.
/// </summary>
public sealed class CheckoutLiveRollingMinuteTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, 250, TimeSpan.Zero));
    private readonly LiveEvents bus = new(TestMetrics.Create());
    private readonly CheckoutLive live;

    public CheckoutLiveRollingMinuteTests() => live = new CheckoutLive(bus, time);

    [Fact]
    public void Record_AnnouncesTheBatch_BeforeTheTicksOfTheSecondsItClosed()
    {
        var heard = new List<OpsEvent>();
        using var _ = bus.Subscribe(e => { lock (heard) heard.Add(e); return Task.CompletedTask; });
        live.Record([Succeeded("a")]);
        time.Advance(TimeSpan.FromSeconds(1));
        live.Record([Succeeded("b")], announce: new CheckoutEventsStored(1, time.GetUtcNow()));
        // A page redraws at most once per render gap: a tick first would hold the batch's render back by a whole gap.
        Assert.Collection(heard, e => Assert.IsType<CheckoutEventsStored>(e), e => Assert.Equal(1, Assert.IsType<CheckoutHealthTick>(e).Second.Attempts));
    }

    [Fact]
    public void RollingMinute_AfterABatchInTheSameSecond_CountsIt()
    {
        live.Record([Succeeded("a")]);
        Assert.Equal(1, live.RollingMinute().Attempts);
        live.Record([Failed("b")]);
        var figures = live.RollingMinute();
        Assert.Equal(2, figures.Attempts);
        Assert.Equal(1, figures.Failures);
    }

    [Fact]
    public void RollingMinute_AsSecondsCloseAndLeaveTheWindow_KeepsThenDropsThem()
    {
        live.Record([Succeeded("a")]);
        time.Advance(TimeSpan.FromSeconds(1));
        live.Record([Succeeded("b")]); // closes the first second
        Assert.Equal(2, live.RollingMinute().Attempts);
        time.Advance(TimeSpan.FromSeconds(59.5));
        Assert.Equal(1, live.RollingMinute().Attempts); // the first second has left the window, the second has not yet
        time.Advance(TimeSpan.FromSeconds(1));
        live.Record([Succeeded("c")]); // closes b's second, which is out of the window by now
        Assert.Equal(1, live.RollingMinute().Attempts);
    }

    [Fact]
    public void RollingMinute_Cached_SaysItsOwnWindow()
    {
        live.Record([Succeeded("a")]);
        var first = live.RollingMinute();
        time.Advance(TimeSpan.FromMilliseconds(300));
        var second = live.RollingMinute();
        Assert.Equal(first.Attempts, second.Attempts);
        Assert.Equal(time.GetUtcNow(), second.To);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(CheckoutLive.SecondsKept), second.From);
    }

    private CheckoutEvent Succeeded(string id) => new(id, time.GetUtcNow(), CheckoutOutcome.Succeeded, null, null, 40, 10m);

    private CheckoutEvent Failed(string id) => new(id, time.GetUtcNow(), CheckoutOutcome.Failed, ErrorClasses.PaymentGateway, null, 900);
}
