using OpsConsole.Domain.Rehearsals;

namespace OpsConsole.Tests.Domain;

/// <summary>Repeated rounds: each figure's median and its spread from the smallest to the largest round.</summary>
public sealed class RoundsSummaryTests
{
    [Fact]
    public void Of_OddRounds_GivesTheMiddleValueAndTheRange()
    {
        var summary = RoundsSummary.Of([RunFiguresTests.Figures(1000, 50, 3, 200), RunFiguresTests.Figures(1000, 10, 9, 100), RunFiguresTests.Figures(1000, 20, 1, 900)]);

        Assert.Equal(3, summary.Rounds);
        Assert.Equal(new Spread(0.02, 0.01, 0.05), summary.FailureRate);
        Assert.Equal(new Spread(3, 1, 9), summary.Deadlocks);
        Assert.Equal(new Spread(200, 100, 900), summary.P95Ms);
        Assert.Equal(new Spread(20, 10, 50), summary.FailuresByClass[OpsConsole.Domain.Checkout.ErrorClasses.DbDeadlock]);
        Assert.Equal(new Spread(98, 95, 99), summary.ThroughputPerSecond);
    }

    [Fact]
    public void Of_EvenRounds_TakesTheMeanOfTheTwoMiddleValues()
    {
        var summary = RoundsSummary.Of([RunFiguresTests.Figures(100, 0, 2, 100), RunFiguresTests.Figures(100, 0, 5, 100)]);

        Assert.Equal(new Spread(3.5, 2, 5), summary.Deadlocks);
    }

    [Fact]
    public void Of_RoundsThatEndedNoCheckouts_LeaveThemOutOfTheLatencies_AndAllNoneMeansNoLatency()
    {
        var empty = RunFigures.Measure(DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(10), [], 0, TimeSpan.Zero);

        Assert.Equal(new Spread(300, 300, 300), RoundsSummary.Of([empty, RunFiguresTests.Figures(10, 0, 0, 300)]).P95Ms);
        Assert.Null(RoundsSummary.Of([empty, empty]).P95Ms);
    }

    [Fact]
    public void Of_NoRounds_IsRefused() => Assert.Throws<ArgumentException>(() => RoundsSummary.Of([]));
}
