using OpsConsole.Domain.Alerts.Rules;
using static OpsConsole.Tests.Domain.AlertSeries;

namespace OpsConsole.Tests.Domain;

/// <summary>Each rule kind over known series: it fires, it does not fire, and its hysteresis holds.</summary>
public sealed class AlertRuleEvaluationTests
{
    private static readonly TimeSpan S20 = TimeSpan.FromSeconds(20), S30 = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan M1 = TimeSpan.FromMinutes(1), M2 = TimeSpan.FromMinutes(2), M5 = TimeSpan.FromMinutes(5);

    private static readonly Minute Healthy = new(100, 1), Failing = new(100, 30), Middling = new(100, 3), Quiet = new(8, 4);

    // 5 % fires, below 2 % clears; 2-minute window, at least 30 attempts.
    private static readonly RuleThresholds FailureRate = new(0.05, 0.02, 30);

    private static List<Step> RunFailureRate(Minute[] series, TimeSpan window, TimeSpan holdFor, TimeSpan clearFor) =>
        Run(at => AlertReadings.FailureRate(FailureRate, Window(series, at, window)), holdFor, clearFor, TimeSpan.FromMinutes(series.Length - 1));

    [Fact]
    public void FailureRate_AboveThresholdForTheHoldTime_FiresOnce_WithTheOnsetWhenItCrossed()
    {
        var series = Minutes((10, Healthy), (10, Failing));

        var steps = RunFailureRate(series, M2, S30, M2);

        var fired = Assert.Single(steps);
        Assert.Equal(AlertTransition.Fired, fired.Transition);
        var crossed = Start.AddMinutes(10) + Every; // the first evaluation that sees the failing minute
        Assert.Equal(crossed, fired.State.ConditionSince);
        Assert.Equal(crossed + S30, fired.At);
        Assert.Contains("fires at 5 %", fired.Reading.Summary);
    }

    [Fact]
    public void FailureRate_BelowThreshold_DoesNotFire()
    {
        Assert.Empty(RunFailureRate(Minutes((20, Middling)), M2, S30, M2));
    }

    [Fact]
    public void FailureRate_BelowTheMinimumVolume_DoesNotFire_HoweverBadTheRate()
    {
        var steps = RunFailureRate(Minutes((20, Quiet)), M2, S30, M2);

        Assert.Empty(steps);
        Assert.Contains("minimum volume", AlertReadings.FailureRate(FailureRate, Window(Minutes((3, Quiet)), Start.AddMinutes(2), M2)).Summary);
    }

    [Fact]
    public void FailureRate_ASpikeShorterThanTheHoldTime_DoesNotFire()
    {
        var series = Minutes((10, Healthy), (1, Failing), (10, Healthy));

        Assert.Empty(RunFailureRate(series, M1, M2, M2));
    }

    [Fact]
    public void FailureRate_RecoveringForTheClearTime_ResolvesOnce()
    {
        var series = Minutes((5, Healthy), (5, Failing), (10, Healthy));

        var steps = RunFailureRate(series, M1, S30, M2);

        Assert.Equal([AlertTransition.Fired, AlertTransition.Resolved], steps.Select(s => s.Transition));
        // Healthy again from minute 10: the 1-minute window is clear from minute 11, and must stay clear for 2 minutes.
        Assert.Equal(Start.AddMinutes(13), steps[1].At);
    }

    [Fact]
    public void FailureRate_FlappingBetweenTheThresholds_StaysFiring_NeverResolves()
    {
        // 30 % and 3 % by turns: 3 % is under the threshold but above the clear threshold, so it never clears.
        var series = Enumerable.Range(0, 30).Select(i => i < 5 ? Healthy : i % 2 == 0 ? Failing : Middling).ToArray();

        var steps = RunFailureRate(series, M1, S30, M2);

        Assert.Equal([AlertTransition.Fired], steps.Select(s => s.Transition));
    }

    [Fact]
    public void FailureRate_FlappingFullyHealthyForLessThanTheClearTime_FiresOnce()
    {
        // Fully healthy minutes are clear, but a failing one always returns before two minutes have passed.
        var series = Enumerable.Range(0, 30).Select(i => i < 5 ? Healthy : i % 3 == 0 ? Failing : Healthy).ToArray();

        var steps = RunFailureRate(series, M1, S30, M2);

        Assert.Equal([AlertTransition.Fired], steps.Select(s => s.Transition));
    }

    [Fact]
    public void FailureRate_WithoutHysteresis_TheSameFlappingSeries_WouldFireRepeatedly()
    {
        // The control for the test above: the series really does flap across both thresholds.
        var series = Enumerable.Range(0, 30).Select(i => i < 5 ? Healthy : i % 3 == 0 ? Failing : Healthy).ToArray();

        var steps = RunFailureRate(series, M1, TimeSpan.Zero, TimeSpan.Zero);

        Assert.True(steps.Count(s => s.Transition == AlertTransition.Fired) >= 5, $"fired {steps.Count(s => s.Transition == AlertTransition.Fired)} times");
    }

    [Fact]
    public void LatencyP95_AboveThresholdForTheHoldTime_Fires_AndNormalLatency_DoesNot()
    {
        var rule = new RuleThresholds(2000, 1000, 30);
        var slow = Minutes((5, new Minute(100, 0, 300)), (10, new Minute(100, 0, 2500)));
        var normal = Minutes((15, new Minute(100, 0, 900)));

        var fired = Run(at => AlertReadings.LatencyP95(rule, Window(slow, at, M5)), M2, M5, TimeSpan.FromMinutes(14));
        var quiet = Run(at => AlertReadings.LatencyP95(rule, Window(normal, at, M5)), M2, M5, TimeSpan.FromMinutes(14));

        Assert.Equal(AlertTransition.Fired, Assert.Single(fired).Transition);
        Assert.Empty(quiet);
    }

    [Fact]
    public void LatencyP95_BetweenTheThresholds_KeepsFiring()
    {
        var rule = new RuleThresholds(2000, 1000, 30);
        var series = Minutes((5, new Minute(100, 0, 300)), (5, new Minute(100, 0, 2500)), (20, new Minute(100, 0, 1500)));

        var steps = Run(at => AlertReadings.LatencyP95(rule, Window(series, at, M1)), M1, M2, TimeSpan.FromMinutes(29));

        Assert.Equal([AlertTransition.Fired], steps.Select(s => s.Transition));
    }

    [Fact]
    public void LockWait_LongerThanNSeconds_FiresNamingTheTarget_AndShortWaits_DoNot()
    {
        var rule = new RuleThresholds(30, 5);
        var waits = new[] { 0.0, 2, 45, 60, 0, 0, 0 };

        var steps = Run(at => AlertReadings.LockWait(rule, [("shop", TimeSpan.FromSeconds(At(waits, at))), ("billing", TimeSpan.FromSeconds(1))]),
            TimeSpan.Zero, M1, TimeSpan.FromMinutes(6));
        var none = Run(at => AlertReadings.LockWait(rule, [("shop", TimeSpan.FromSeconds(20))]), TimeSpan.Zero, M1, M5);

        Assert.Equal([AlertTransition.Fired, AlertTransition.Resolved], steps.Select(s => s.Transition));
        Assert.Equal("shop", steps[0].Reading.Target);
        Assert.Equal(Start.AddMinutes(2), steps[0].At);
        Assert.Empty(none);
    }

    [Fact]
    public void LockWait_DroppingBelowTheThresholdButNotTheClearThreshold_DoesNotResolve()
    {
        var rule = new RuleThresholds(30, 5);
        var waits = new[] { 40.0, 10, 20, 10, 25, 10 };

        var steps = Run(at => AlertReadings.LockWait(rule, [("shop", TimeSpan.FromSeconds(At(waits, at)))]), TimeSpan.Zero, TimeSpan.Zero,
            TimeSpan.FromMinutes(5));

        Assert.Equal([AlertTransition.Fired], steps.Select(s => s.Transition));
    }

    [Fact]
    public void Deadlocks_PerMinuteAboveThreshold_Fire_AndAFewDoNot()
    {
        var rule = new RuleThresholds(2, 0.5);
        long[] perMinute = [0, 0, 0, 8, 9, 7, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        long CountIn(DateTimeOffset at, TimeSpan window) =>
            Enumerable.Range(0, perMinute.Length).Where(i => Start.AddMinutes(i + 1) > at - window && Start.AddMinutes(i) < at).Sum(i => perMinute[i]);

        var steps = Run(at => AlertReadings.Deadlocks(rule, M5, [("shop", CountIn(at, M5))]), TimeSpan.Zero, M2, TimeSpan.FromMinutes(15));
        var few = Run(at => AlertReadings.Deadlocks(rule, M5, [("shop", Math.Min(3, CountIn(at, M5)))]), TimeSpan.Zero, M2, TimeSpan.FromMinutes(15));

        Assert.Equal([AlertTransition.Fired, AlertTransition.Resolved], steps.Select(s => s.Transition));
        Assert.Equal("shop", steps[0].Reading.Target);
        Assert.Empty(few); // 3 in 5 minutes is 0.6 per minute
    }

    [Fact]
    public void DetectedChange_OnProduction_Fires_AndResolvesOnceReviewed()
    {
        var rule = new RuleThresholds(1, 1);
        var change = new DetectedChangeFact(42, "deadlock_timeout 1s → 30s", "shop", Start.AddMinutes(1));

        var steps = Run(at => AlertReadings.DetectedChanges(rule, at >= Start.AddMinutes(1) && at < Start.AddMinutes(4) ? [change] : []),
            TimeSpan.Zero, TimeSpan.Zero, M5);

        Assert.Equal([AlertTransition.Fired, AlertTransition.Resolved], steps.Select(s => s.Transition));
        Assert.Equal(("shop", Start.AddMinutes(1)), (steps[0].Reading.Target, steps[0].At));
        Assert.Contains("#42", steps[0].Reading.Summary);
    }

    [Fact]
    public void DetectedChange_None_DoesNotFire()
    {
        Assert.Empty(Run(_ => AlertReadings.DetectedChanges(new RuleThresholds(1, 1), []), TimeSpan.Zero, TimeSpan.Zero, M5));
    }

    [Fact]
    public void AFiringState_ReadBackAfterARestart_DoesNotFireAgain()
    {
        // What the evaluator stores is what it resumes from: a firing rule still breaching is not a new alert.
        var stored = new RuleState(AlertRuleStatus.Firing, Start);
        var breaching = new RuleReading(0.3, true, false, "30 %");

        var (state, transition) = AlertHysteresis.Step(stored, breaching, S30, M2, Start.AddHours(1));

        Assert.Equal((AlertTransition.None, AlertRuleStatus.Firing, Start), (transition, state.Status, state.ConditionSince));
    }

    [Fact]
    public void AHold_EndedByAReadingAFewMillisecondsEarly_Fires_ButOneATenthOfAnIntervalEarlier_DoesNot()
    {
        var breaching = new RuleReading(0.3, true, false, "30 %");
        var tolerance = AlertHysteresis.Tolerance(Every);
        var (pending, _) = AlertHysteresis.Step(RuleState.Ok, breaching, S20, M2, Start, tolerance);
        (pending, _) = AlertHysteresis.Step(pending, breaching, S20, M2, Start + Every, tolerance);

        // The third reading, its timer a few milliseconds early: the hold ends on it, not a whole interval later.
        var (fired, onTime) = AlertHysteresis.Step(pending, breaching, S20, M2, Start + S20 - TimeSpan.FromMilliseconds(15), tolerance);
        var (_, early) = AlertHysteresis.Step(pending, breaching, S20, M2, Start + S20 - tolerance - TimeSpan.FromMilliseconds(1), tolerance);
        var (_, untolerant) = AlertHysteresis.Step(pending, breaching, S20, M2, Start + S20 - TimeSpan.FromMilliseconds(15));

        Assert.Equal((AlertTransition.Fired, AlertRuleStatus.Firing, Start), (onTime, fired.Status, fired.ConditionSince));
        Assert.Equal(AlertTransition.None, early);
        Assert.Equal(AlertTransition.None, untolerant);
    }

    [Fact]
    public void AClearWait_EndedByAReadingAFewMillisecondsEarly_Resolves()
    {
        var clear = new RuleReading(0.0, false, true, "0 %");
        var clearing = new RuleState(AlertRuleStatus.Clearing, Start, ClearingSince: Start + M1);

        var (state, transition) = AlertHysteresis.Step(clearing, clear, S20, M2, Start + M1 + M2 - TimeSpan.FromMilliseconds(15), AlertHysteresis.Tolerance(Every));

        Assert.Equal((AlertTransition.Resolved, AlertRuleStatus.Ok), (transition, state.Status));
    }
}
