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

/// <summary>The report puts both sides and their summaries beside the verdict on the medians.</summary>
public sealed class RehearsalReportTests
{
    [Fact]
    public void Of_JudgesTheMedians_AndKeepsEveryRound()
    {
        RunFigures[] baseline = [RunFiguresTests.Figures(1000, 4, 2, 100), RunFiguresTests.Figures(1000, 6, 3, 120), RunFiguresTests.Figures(1000, 5, 2, 110)];
        RunFigures[] withChange = [RunFiguresTests.Figures(1000, 300, 0, 5000), RunFiguresTests.Figures(1000, 250, 0, 5000), RunFiguresTests.Figures(1000, 3, 0, 100)];

        var report = RehearsalReport.Of(baseline, withChange, RehearsalThresholds.Default);

        Assert.Equal((3, 3), (report.Baseline.Count, report.WithChange.Count));
        Assert.Equal(new Spread(0.25, 0.003, 0.3), report.WithChangeSummary.FailureRate);
        Assert.False(report.Verdict.Passed);
        Assert.Equal("failure rate 25.0 % vs baseline 0.5 % + 2 points: fail", report.Verdict.Checks[0].Reason);
    }
}
