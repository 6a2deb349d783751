namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>Ok → Pending (breaching, not for long enough) → Firing → Clearing (clear, not for long enough) → Ok.</summary>
public enum AlertRuleStatus { Ok, Pending, Firing, Clearing }

public enum AlertTransition { None, Fired, Resolved }

/// <summary>
/// Where a rule stands between evaluations; stored with the rule, so that a restart neither forgets a firing alert nor fires it again.
/// </summary>
/// <param name="ConditionSince">When the condition began: the first breaching reading (the onset an alert reports as StartsAt).</param>
/// <param name="ClearingSince">When the readings turned clear while firing.</param>
public sealed record RuleState(AlertRuleStatus Status, DateTimeOffset? ConditionSince = null, DateTimeOffset? ClearingSince = null)
{
    public static readonly RuleState Ok = new(AlertRuleStatus.Ok);

    public bool IsFiring => Status is AlertRuleStatus.Firing or AlertRuleStatus.Clearing;
}

/// <summary>
/// Hysteresis, so that a flapping signal opens one incident rather than many: a rule fires only after its condition has
/// held for <c>holdFor</c>, and once firing it resolves only after readings have stayed below the lower clear threshold for
/// <c>clearFor</c>. A reading between the two thresholds, or one breaching reading while clearing, keeps it firing.
/// Pure: the evaluator persists the state it returns.
/// </summary>
public static class AlertHysteresis
{
    /// <summary>
    /// How much earlier than <c>holdFor</c> (or <c>clearFor</c>) a reading may come and still end the wait. Readings are taken
    /// when the evaluator's timer ticks and its queries return, a few milliseconds early or late each time: without it a hold
    /// of 20 s read every 10 s ends on a reading 19.99 s after the first, falls short, and the rule fires a whole interval late.
    /// A tenth of the interval absorbs that jitter and can never move a fire by a whole reading.
    /// </summary>
    public static TimeSpan Tolerance(TimeSpan evaluationInterval) => evaluationInterval / 10;

    public static (RuleState State, AlertTransition Transition) Step(RuleState state, RuleReading reading, TimeSpan holdFor, TimeSpan clearFor,
        DateTimeOffset now, TimeSpan tolerance = default)
    {
        holdFor -= tolerance;
        clearFor -= tolerance;
        switch (state.Status)
        {
            case AlertRuleStatus.Ok:
                return reading.Breaching ? Hold(new RuleState(AlertRuleStatus.Pending, now), holdFor, now) : (RuleState.Ok, AlertTransition.None);
            case AlertRuleStatus.Pending:
                // One reading short of the threshold starts the wait over: only a condition that holds throughout fires.
                return reading.Breaching ? Hold(state, holdFor, now) : (RuleState.Ok, AlertTransition.None);
            case AlertRuleStatus.Firing:
                return reading.Clear
                    ? Release(state with { Status = AlertRuleStatus.Clearing, ClearingSince = now }, clearFor, now)
                    : (state, AlertTransition.None);
            case AlertRuleStatus.Clearing:
                return reading.Clear
                    ? Release(state, clearFor, now)
                    : (state with { Status = AlertRuleStatus.Firing, ClearingSince = null }, AlertTransition.None);
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state.Status, "unknown rule status");
        }
    }

    private static (RuleState, AlertTransition) Hold(RuleState pending, TimeSpan holdFor, DateTimeOffset now) =>
        now - pending.ConditionSince!.Value >= holdFor
            ? (pending with { Status = AlertRuleStatus.Firing }, AlertTransition.Fired)
            : (pending, AlertTransition.None);

    private static (RuleState, AlertTransition) Release(RuleState clearing, TimeSpan clearFor, DateTimeOffset now) =>
        now - clearing.ClearingSince!.Value >= clearFor ? (RuleState.Ok, AlertTransition.Resolved) : (clearing, AlertTransition.None);
}
