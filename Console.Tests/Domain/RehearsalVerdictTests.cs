using OpsConsole.Domain.Rehearsals;

namespace OpsConsole.Tests.Domain;

/// <summary>The verdict over crafted figures: each threshold fails on its own, all pass together, and zero or collapsed baselines are judged sensibly.</summary>
public sealed class RehearsalVerdictTests
{
    private static readonly RehearsalThresholds Issue = RehearsalThresholds.Default; // + 2 points, × 1.5 + 1, × 1.2

    private static JudgedFigures Run(double failureRate = 0.004, double deadlocks = 4, double? p95 = 500, double attempted = 1000) =>
        new(attempted, failureRate, deadlocks, p95);

    [Fact]
    public void Judge_WithEveryFigureWithinItsThreshold_Passes_WithAReasonPerThreshold()
    {
        var verdict = RehearsalVerdict.Judge(Run(), Run(failureRate: 0.02, deadlocks: 7, p95: 600), Issue);

        Assert.True(verdict.Passed);
        Assert.Equal(["failure rate", "deadlocks", "p95"], verdict.Checks.Select(c => c.Figure));
        Assert.Equal([
            "failure rate 2.0 % vs baseline 0.4 % + 2 points: pass",
            "deadlocks 7 vs baseline 4 × 1.5 + 1: pass",
            "p95 600 ms vs baseline 500 ms × 1.2: pass",
        ], verdict.Checks.Select(c => c.Reason));
        Assert.Equal("pass", verdict.Summary);
    }

    [Fact]
    public void Judge_WithTheFailureRateOverBaselinePlusThePoints_FailsOnThatAlone()
    {
        var verdict = RehearsalVerdict.Judge(Run(), Run(failureRate: 0.312), Issue);

        Assert.False(verdict.Passed);
        var failed = Assert.Single(verdict.Checks, c => !c.Passed);
        Assert.Equal("failure rate 31.2 % vs baseline 0.4 % + 2 points: fail", failed.Reason);
        Assert.Equal("fail: failure rate 31.2 % vs baseline 0.4 % + 2 points: fail", verdict.Summary);
    }

    [Fact]
    public void Judge_WithDeadlocksOverBaselineTimesAPlusB_FailsOnThatAlone()
    {
        var verdict = RehearsalVerdict.Judge(Run(deadlocks: 4), Run(deadlocks: 8), Issue); // limit 4 × 1.5 + 1 = 7

        var failed = Assert.Single(verdict.Checks, c => !c.Passed);
        Assert.Equal("deadlocks 8 vs baseline 4 × 1.5 + 1: fail", failed.Reason);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void Judge_WithP95OverBaselineTimesC_FailsOnThatAlone()
    {
        var verdict = RehearsalVerdict.Judge(Run(p95: 500), Run(p95: 601), Issue);

        var failed = Assert.Single(verdict.Checks, c => !c.Passed);
        Assert.Equal("p95 601 ms vs baseline 500 ms × 1.2: fail", failed.Reason);
    }

    [Fact]
    public void Judge_ShowsLatenciesInWholeMilliseconds()
    {
        var verdict = RehearsalVerdict.Judge(Run(p95: 3909.79), Run(p95: 9701.8), Issue);

        Assert.Equal("p95 9702 ms vs baseline 3910 ms × 1.2: fail", verdict.Checks[2].Reason);
    }

    [Fact]
    public void Judge_ExactlyOnEveryLimit_Passes()
    {
        // 0.4 % + 2 points is 2.4 %, computed in floating point; 4 × 1.5 + 1 = 7; 500 × 1.2 = 600.
        var verdict = RehearsalVerdict.Judge(Run(), Run(failureRate: 0.024, deadlocks: 7, p95: 600), Issue);

        Assert.True(verdict.Passed, verdict.Summary);
    }

    [Fact]
    public void Judge_OnAZeroBaseline_AllowsThePointsAndTheAllowance_AndNoMore()
    {
        var clean = Run(failureRate: 0, deadlocks: 0);

        Assert.True(RehearsalVerdict.Judge(clean, Run(failureRate: 0.02, deadlocks: 1), Issue).Passed);
        var worse = RehearsalVerdict.Judge(clean, Run(failureRate: 0.021, deadlocks: 2), Issue);
        Assert.Equal(["failure rate 2.1 % vs baseline 0.0 % + 2 points: fail", "deadlocks 2 vs baseline 0 × 1.5 + 1: fail"],
            worse.Checks.Where(c => !c.Passed).Select(c => c.Reason));
    }

    [Fact]
    public void Judge_WithAZeroAllowanceAndAZeroBaseline_FailsOnTheFirstDeadlock()
    {
        var strict = Issue with { DeadlockAllowance = 0 };

        Assert.True(RehearsalVerdict.Judge(Run(deadlocks: 0), Run(deadlocks: 0), strict).Passed);
        Assert.False(RehearsalVerdict.Judge(Run(deadlocks: 0), Run(deadlocks: 1), strict).Passed);
    }

    [Theory]
    [InlineData(0, 1000, "the baseline ended no checkouts: nothing to compare: fail")]
    [InlineData(1000, 0, "the run with the change ended no checkouts: nothing to compare: fail")]
    public void Judge_WhenARunEndedNoCheckouts_FailsSayingSo_InsteadOfComparingZeros(double baselineAttempts, double changeAttempts, string reason)
    {
        var baseline = Run(attempted: baselineAttempts, p95: baselineAttempts == 0 ? null : 500);
        var withChange = Run(attempted: changeAttempts, p95: changeAttempts == 0 ? null : 500);

        var verdict = RehearsalVerdict.Judge(baseline, withChange, Issue);

        Assert.False(verdict.Passed);
        Assert.Equal(reason, Assert.Single(verdict.Checks).Reason);
    }

    [Theory]
    [InlineData(0.337, 0.214, false)] // a loaded machine's run of deadlock_timeout = 30 s: the change looked better
    [InlineData(0.337, 0.900, false)]
    [InlineData(0.250, 0.260, true)]  // on the ceiling: still judged by the thresholds (+ 2 points)
    public void Judge_AgainstABaselineThatFailedMoreThanAQuarterOfItsCheckouts_FailsSayingStagingCollapsed(double baselineRate, double changeRate, bool judged)
    {
        var verdict = RehearsalVerdict.Judge(Run(failureRate: baselineRate, p95: 9000), Run(failureRate: changeRate, p95: 9000), Issue);

        Assert.Equal(judged, verdict.Passed);
        if (!judged)
            Assert.Equal("the baseline itself failed 33.7 % of its checkouts (more than 25.0 %): staging cannot carry this load, " +
                         "so nothing tells the change's harm apart: fail", Assert.Single(verdict.Checks).Reason);
        else
            Assert.Equal(["failure rate", "deadlocks", "p95"], verdict.Checks.Select(c => c.Figure));
    }

    [Fact]
    public void Judge_OfRounds_ComparesTheirMedians()
    {
        RunFigures Round(long failed, long deadlocks, double latency) => RunFiguresTests.Figures(1000, failed, deadlocks, latency);
        var baseline = RoundsSummary.Of([Round(4, 2, 100), Round(5, 3, 110), Round(200, 40, 900)]); // one noisy round
        var withChange = RoundsSummary.Of([Round(6, 3, 105), Round(7, 4, 115), Round(5, 2, 100)]);

        var verdict = RehearsalVerdict.Judge(baseline, withChange, Issue);

        Assert.True(verdict.Passed, verdict.Summary);
        Assert.Equal("deadlocks 3 vs baseline 3 × 1.5 + 1: pass", verdict.Checks[1].Reason);
    }
}
