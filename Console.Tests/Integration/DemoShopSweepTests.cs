using OpsConsole.Domain.Shop;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class DemoShopSweepTests(DemoShopFixture fixture, ITestOutputHelper output) : IClassFixture<DemoShopFixture>
{
    [Theory]
    [InlineData(10, 16, 0.5, 10, 20, 60, 3)]
    [InlineData(20, 16, 0.5, 10, 20, 60, 3)]
    [InlineData(15, 16, 0.6, 6, 20, 60, 3)]
    public async Task Sweep(double rate, int concurrency, double hotShare, int hot, int payMin, int payMax, int line)
    {
        var s = new ShopWorkloadOptions { RatePerSecond = rate, PeakFactor = 1, Concurrency = concurrency, HotShare = hotShare, HotProducts = hot,
            CartSizeMin = 1, CartSizeMax = 4, PaymentLatencyMin = TimeSpan.FromMilliseconds(payMin), PaymentLatencyMax = TimeSpan.FromMilliseconds(payMax), DeclineRate = 0, LineLatency = TimeSpan.FromMilliseconds(line) };
        await fixture.Control.TuneAsync(fixture.Admin, s);
        await fixture.Control.StartAsync(fixture.Admin);
        await Report("warm", 5);
        await Report("base", 10);
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET deadlock_timeout = '30s'", "SELECT pg_reload_conf()");
        await Report("30s", 12);
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM RESET deadlock_timeout", "SELECT pg_reload_conf()");
        await Report("reset", 12);
        await fixture.Control.StopAsync(fixture.Admin);
    }

    private async Task Report(string label, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            await Task.Delay(1000);
            var st = fixture.Counters.Snapshot();
            var w = fixture.Counters.Window(TimeSpan.FromSeconds(3));
            var ok = fixture.Events.All.Where(e => e.ErrorClass is null && e.OccurredAt > DateTimeOffset.UtcNow.AddSeconds(-3)).Select(e => e.LatencyMs).DefaultIfEmpty(0).Average();
            output.WriteLine($"{label} {i}: okLat {ok:0} rate {st.CurrentRate:0.0} inflight {st.InFlight} win3 {w.Failures}/{w.Attempts} {string.Join(",", w.FailuresByClass.Where(c => c.Value > 0).Select(c => c.Key + "=" + c.Value))} err={st.LastError}");
        }
    }
}
