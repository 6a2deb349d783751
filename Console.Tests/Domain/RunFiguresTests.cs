using System.Text.Json;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Rehearsals;

namespace OpsConsole.Tests.Domain;

/// <summary>A run's figures from its checkouts: counts, rates, exact percentiles and the per-second series.</summary>
public sealed class RunFiguresTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="attempted"/> checkouts over 10 s, the first <paramref name="failed"/> deadlocked, all taking <paramref name="latency"/> ms.</summary>
    public static RunFigures Figures(long attempted, long failed, long deadlocks, double latency) =>
        RunFigures.Measure(Start, TimeSpan.FromSeconds(10), Enumerable.Range(0, (int)attempted).Select(i =>
            new CompletedCheckout(TimeSpan.FromSeconds(10.0 * i / attempted), latency, i < failed ? ErrorClasses.DbDeadlock : null)).ToList(),
            deadlocks, TimeSpan.Zero);

    [Fact]
    public void Measure_CountsCheckoutsFailuresByClassAndLockTimeouts_AndThroughputOverTheElapsedTime()
    {
        CompletedCheckout[] checkouts =
        [
            new(TimeSpan.FromSeconds(0.2), 40, null),
            new(TimeSpan.FromSeconds(0.5), 60, null),
            new(TimeSpan.FromSeconds(1.1), 5000, ErrorClasses.DbConnectionTimeout),
            new(TimeSpan.FromSeconds(1.7), 1200, ErrorClasses.DbLockTimeout),
            new(TimeSpan.FromSeconds(3.9), 80, null),
        ];

        var figures = RunFigures.Measure(Start, TimeSpan.FromSeconds(4), checkouts, deadlocks: 2, longestLockWait: TimeSpan.FromSeconds(4.5));

        Assert.Equal((5L, 3L, 2L, 0.4), (figures.Attempted, figures.Succeeded, figures.Failed, figures.FailureRate));
        Assert.Equal(0.75, figures.ThroughputPerSecond);
        Assert.Equal((1L, 1L, 0L), (figures.FailuresByClass[ErrorClasses.DbConnectionTimeout], figures.FailuresByClass[ErrorClasses.DbLockTimeout],
            figures.FailuresByClass[ErrorClasses.DbDeadlock]));
        Assert.Equal(ErrorClasses.All.Order(), figures.FailuresByClass.Keys.Order()); // every class, zeros included, to line runs up
        Assert.Equal((1L, 2L, TimeSpan.FromSeconds(4.5)), (figures.LockTimeouts, figures.Deadlocks, figures.LongestLockWait));
    }

    [Fact]
    public void Measure_GivesNearestRankPercentiles_AlwaysAMeasuredValue()
    {
        var checkouts = Enumerable.Range(1, 200).Select(i => new CompletedCheckout(TimeSpan.FromSeconds(i / 100.0), i, null)).ToList();

        var figures = RunFigures.Measure(Start, TimeSpan.FromSeconds(2), checkouts, 0, TimeSpan.Zero);

        Assert.Equal((100.0, 190.0, 198.0), (figures.P50Ms!.Value, figures.P95Ms!.Value, figures.P99Ms!.Value));
    }

    [Fact]
    public void Measure_OfARunWithNoCheckouts_ShowsNoLatencies_RatherThanZeros()
    {
        var figures = RunFigures.Measure(Start, TimeSpan.FromSeconds(5), [], 0, TimeSpan.Zero);

        Assert.Equal((0L, 0.0, 0.0), (figures.Attempted, figures.FailureRate, figures.ThroughputPerSecond));
        Assert.Null(figures.P50Ms);
        Assert.Null(figures.P95Ms);
        Assert.Null(figures.P99Ms);
        Assert.Empty(figures.Series);
    }

    [Fact]
    public void Measure_SeriesHasEverySecond_WithItsAttemptsFailuresAndP95_AndNoP95WhereNothingEnded()
    {
        CompletedCheckout[] checkouts =
        [
            new(TimeSpan.FromSeconds(0.1), 10, null),
            new(TimeSpan.FromSeconds(0.9), 30, ErrorClasses.DbDeadlock),
            new(TimeSpan.FromSeconds(2.5), 70, null),
            new(TimeSpan.FromSeconds(3.2), 5000, ErrorClasses.DbConnectionTimeout), // ended in the drain after the 3 s of arrivals
        ];

        var figures = RunFigures.Measure(Start, TimeSpan.FromSeconds(3), checkouts, 0, TimeSpan.Zero);

        Assert.Equal([new RunSecond(0, 2, 1, 30), new RunSecond(1, 0, 0, null), new RunSecond(2, 1, 0, 70), new RunSecond(3, 1, 1, 5000)], figures.Series);
    }

    [Fact]
    public void Figures_RoundTripThroughJson_WithTheirDerivedFiguresShown()
    {
        var figures = Figures(300, 12, 4, 250) with { LongestLockWait = TimeSpan.FromSeconds(5.1) };

        var json = JsonSerializer.Serialize(figures, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<RunFigures>(json, JsonSerializerOptions.Web)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, JsonSerializerOptions.Web));
        Assert.Equal(0.04, JsonDocument.Parse(json).RootElement.GetProperty("failureRate").GetDouble());
        Assert.Equal(figures.Series, back.Series);
    }
}
