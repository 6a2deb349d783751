using System.Globalization;

namespace OpsConsole.Domain.Rehearsals;

/// <summary>The figures a verdict compares: from one run, or the medians of several rounds.</summary>
public sealed record JudgedFigures(double Attempted, double FailureRate, double Deadlocks, double? P95Ms)
{
    public static JudgedFigures Of(RunFigures run) => new(run.Attempted, run.FailureRate, run.Deadlocks, run.P95Ms);

    public static JudgedFigures Of(RoundsSummary rounds) =>
        new(rounds.Attempted.Median, rounds.FailureRate.Median, rounds.Deadlocks.Median, rounds.P95Ms?.Median);
}

/// <summary>One threshold's outcome, with the reason in words ("failure rate 31.2 % vs baseline 0.4 % + 2 points: fail").</summary>
public sealed record ThresholdCheck(string Figure, bool Passed, string Reason);

/// <summary>
/// Pass or fail for a change against its baseline: it passes when every threshold of the profile holds. Pure: the
/// figures come from the runs, the thresholds from the profile. Runs that ended no checkouts cannot be judged, and fail;
/// so does a baseline that failed more than <see cref="BaselineFailureCeiling"/> of its checkouts.
/// </summary>
public sealed record RehearsalVerdict(bool Passed, IReadOnlyList<ThresholdCheck> Checks)
{
    // A limit computed in floating point (0.4 % + 2 points) must not fail a run that sits exactly on it.
    private const double Tolerance = 1e-9;

    /// <summary>
    /// Past it the staging target is in an outage of its own under the profile's load, without the change (pool exhausted,
    /// lock queues; the customer's outage failed 30 % of checkouts): against such a baseline a harmful change need not look
    /// worse, and deadlock_timeout = 30 s passed on a loaded machine (baselines at 55.6 % and 33.7 %, the change at 52.0 %
    /// and 21.4 %). The built-in peak's baseline failed 7.6 % on this 2-core machine.
    /// </summary>
    public const double BaselineFailureCeiling = 0.25;

    public static RehearsalVerdict Judge(RunFigures baseline, RunFigures withChange, RehearsalThresholds thresholds) =>
        Judge(JudgedFigures.Of(baseline), JudgedFigures.Of(withChange), thresholds);

    /// <summary>Several rounds are judged by their medians; the spread is shown beside them (<see cref="RoundsSummary"/>).</summary>
    public static RehearsalVerdict Judge(RoundsSummary baseline, RoundsSummary withChange, RehearsalThresholds thresholds) =>
        Judge(JudgedFigures.Of(baseline), JudgedFigures.Of(withChange), thresholds);

    public static RehearsalVerdict Judge(JudgedFigures baseline, JudgedFigures withChange, RehearsalThresholds thresholds)
    {
        if (baseline.Attempted <= 0 || withChange.Attempted <= 0 || baseline.P95Ms is null || withChange.P95Ms is null)
        {
            var which = baseline.Attempted <= 0 || baseline.P95Ms is null ? "the baseline" : "the run with the change";
            return new RehearsalVerdict(false, [new ThresholdCheck("checkouts", false, $"{which} ended no checkouts: nothing to compare: fail")]);
        }

        if (baseline.FailureRate > BaselineFailureCeiling + Tolerance)
            return new RehearsalVerdict(false, [new ThresholdCheck("baseline", false,
                $"the baseline itself failed {Percent(baseline.FailureRate)} of its checkouts (more than {Percent(BaselineFailureCeiling)}): " +
                "staging cannot carry this load, so nothing tells the change's harm apart: fail")]);

        var t = thresholds;
        ThresholdCheck[] checks =
        [
            Check("failure rate", withChange.FailureRate, baseline.FailureRate + t.FailureRatePoints / 100,
                $"failure rate {Percent(withChange.FailureRate)} vs baseline {Percent(baseline.FailureRate)} + {Number(t.FailureRatePoints)} points"),
            Check("deadlocks", withChange.Deadlocks, baseline.Deadlocks * t.DeadlockFactor + t.DeadlockAllowance,
                $"deadlocks {Number(withChange.Deadlocks)} vs baseline {Number(baseline.Deadlocks)} × {Number(t.DeadlockFactor)} + {Number(t.DeadlockAllowance)}"),
            Check("p95", withChange.P95Ms.Value, baseline.P95Ms.Value * t.P95Factor,
                $"p95 {Milliseconds(withChange.P95Ms.Value)} vs baseline {Milliseconds(baseline.P95Ms.Value)} × {Number(t.P95Factor)}"),
        ];
        return new RehearsalVerdict(checks.All(c => c.Passed), checks);
    }

    /// <summary>The verdict in one line: "pass" or "fail: " and the reasons that failed.</summary>
    public string Summary => Passed ? "pass" : "fail: " + string.Join("; ", Checks.Where(c => !c.Passed).Select(c => c.Reason));

    private static ThresholdCheck Check(string figure, double value, double limit, string comparison)
    {
        var passed = value <= limit + Tolerance;
        return new ThresholdCheck(figure, passed, $"{comparison}: {(passed ? "pass" : "fail")}");
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Milliseconds(double value) => value.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
