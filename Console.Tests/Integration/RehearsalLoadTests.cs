using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Measured load runs on a real staging cluster, at the outage's peak (6/s × 3 on a pool of 6, carts of 1–4, 6 best-sellers
/// taking 60 % of the items): a run measures every checkout it started, and a cancelled one stops at once. Verdicts are the
/// rehearsal runner's (<see cref="RehearsalRunnerTests"/>).
/// </summary>
[Collection(QuietCollection.Name)]
public sealed class RehearsalLoadTests(RehearsalFixture fixture, ITestOutputHelper output) : IClassFixture<RehearsalFixture>
{
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan TimerTick = TimeSpan.FromMilliseconds(20);

    private static readonly RehearsalProfileSettings Peak = RehearsalProfileDefaults.Peak with
    {
        Name = "Test peak",
        Duration = RunFor,
    };

    private RehearsalLoad Load => fixture.App.Service<RehearsalLoad>();

    [Fact]
    public async Task ARun_CountsEveryCheckoutItStarted_AndItsSecondsAddUpToItsTotals()
    {
        var figures = await RunAsync("baseline");

        // The run ends on a timer, which may fire a fraction of a millisecond before the stopwatch that times the run reads
        // its duration (CI saw 14.9992 s for 15 s): a run cut short would be short by far more than a timer's tick.
        Assert.True(figures.Elapsed >= RunFor - TimerTick, $"{figures.Elapsed} < {RunFor}");
        Assert.NotNull(figures.P95Ms);
    }

    [Fact]
    public async Task ARunCancelledMidway_StopsItsLoadAndThrows_LeavingNoSessionBehind()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new List<LoadProgress>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Load.RunAsync(fixture.TargetConnectionString, Peak, RunFor, p =>
        {
            lock (progress)
                progress.Add(p);
            if (p.Attempted >= 20)
                cancel.Cancel();
        }, cancel.Token));

        // Its pool is closed on the way out; the server ends the sessions a moment later.
        await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'OpsConsole rehearsal%'"),
            n => Convert.ToInt64(n) == 0, TimeSpan.FromSeconds(15), "the run's sessions to end");
        Assert.Contains(progress, p => p.Attempted >= 20 && p.Elapsed < RunFor && p.Duration == RunFor);
    }

    private async Task<RunFigures> RunAsync(string label)
    {
        var seconds = new List<LoadProgress>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var figures = await Load.RunAsync(fixture.TargetConnectionString, Peak, RunFor, p => { lock (seconds) seconds.Add(p); }, TestContext.Current.CancellationToken);
        output.WriteLine($"{label} ({clock.Elapsed.TotalSeconds:0.0} s): {figures.Attempted} checkouts, {figures.Failed} failed ({figures.FailureRate:P1}), " +
            $"{figures.ThroughputPerSecond:0.0}/s; by class: {string.Join(", ", figures.FailuresByClass.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))}; " +
            $"deadlocks {figures.Deadlocks}, lock timeouts {figures.LockTimeouts}, longest lock wait {figures.LongestLockWait.TotalSeconds:0.0} s; " +
            $"p50/p95/p99 {figures.P50Ms:0}/{figures.P95Ms:0}/{figures.P99Ms:0} ms");

        // Every figure is the run's own: each second of it is in the series, which adds up to the totals.
        Assert.True(figures.Attempted > 0, $"{label}: no checkout ended");
        Assert.True(figures.Series.Count >= (int)RunFor.TotalSeconds, $"{label}: {figures.Series.Count} seconds in the series");
        Assert.Equal((figures.Attempted, figures.Failed), (figures.Series.Sum(s => (long)s.Attempts), figures.Series.Sum(s => (long)s.Failures)));
        Assert.Equal(figures.Failed, figures.FailuresByClass.Values.Sum());
        Assert.NotEmpty(seconds);
        return figures;
    }
}
