using System.Globalization;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// The pure half of each rule kind: from figures already read to a <see cref="RuleReading"/>. The evaluator gathers the
/// figures (checkout buckets, the lock monitor, the change registry); everything that decides lives here and is tested
/// over known series without a database.
/// </summary>
public static class AlertReadings
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Failures ÷ attempts over the window, once the window holds at least the minimum volume.</summary>
    public static RuleReading FailureRate(RuleThresholds rule, CheckoutFigures window)
    {
        if (TooFew(rule, window) is { } few)
            return few;
        var rate = (double)window.Failures / window.Attempts;
        return rule.Compare(rate, $"{Percent(rate)} of checkouts failed over {Span(window)} ({N(window.Failures)} of {N(window.Attempts)} attempts; " +
                                  $"fires at {Percent(rule.Threshold)}, clears below {Percent(rule.ClearThreshold)})");
    }

    /// <summary>
    /// Multiwindow burn: fires only when both the long and the short window burn at or above the threshold (the long one says
    /// the budget really is going, the short one that it still is), and clears as soon as the short window drops below the
    /// clear threshold, so a fixed incident stops paging within the short window rather than the long one.
    /// A service whose checkouts go back no further than the short window (<paramref name="history"/>, a fresh console or
    /// a new service) has no long window yet: both would read the same few minutes, and a startup blip would page as a
    /// six-hour burn. The rule waits (no data) until the history reaches past the short window.
    /// </summary>
    public static RuleReading SloBurn(RuleThresholds rule, double objective, CheckoutFigures longWindow, CheckoutFigures shortWindow,
        TimeSpan? history = null)
    {
        if (TooFew(rule, longWindow) is { } few)
            return few;
        if (history is { } reported && reported <= shortWindow.To - shortWindow.From)
            return RuleReading.NoData($"checkouts reported for {Span(reported)} only: a burn over {Span(longWindow)} needs more history than its " +
                                      $"short window of {Span(shortWindow)}");
        var slow = BurnRate.Of(longWindow.Failures, longWindow.Attempts, objective)!.Value;
        var fast = shortWindow.Attempts < Math.Max(1, rule.MinimumVolume) ? 0 : BurnRate.Of(shortWindow.Failures, shortWindow.Attempts, objective)!.Value;
        var value = Math.Min(slow, fast);
        return new RuleReading(value, slow >= rule.Threshold && fast >= rule.Threshold, fast < rule.ClearThreshold,
            $"error budget of a {Percent(objective)} objective burning {Times(slow)} over {Span(longWindow)} and {Times(fast)} over {Span(shortWindow)} " +
            $"(fires when both reach {Times(rule.Threshold)}, clears when {Span(shortWindow)} is below {Times(rule.ClearThreshold)})");
    }

    public static RuleReading LatencyP95(RuleThresholds rule, CheckoutFigures window)
    {
        if (TooFew(rule, window) is { } few)
            return few;
        return rule.Compare(window.P95Ms, $"p95 checkout latency {N(window.P95Ms)} ms over {Span(window)} " +
                                          $"(fires at {N(rule.Threshold)} ms, clears below {N(rule.ClearThreshold)} ms)");
    }

    /// <summary>The longest current lock wait among the targets watched; the worst target is the one the alert names.</summary>
    public static RuleReading LockWait(RuleThresholds rule, IReadOnlyList<(string Target, TimeSpan LongestWait)> targets)
    {
        if (targets.Count == 0)
            return RuleReading.NoData("no lock sample from the targets watched");
        var (target, wait) = targets.MaxBy(t => t.LongestWait);
        return rule.Compare(wait.TotalSeconds, $"a session on {target} has waited {N(wait.TotalSeconds)} s for a lock " +
                                               $"(fires at {N(rule.Threshold)} s, clears below {N(rule.ClearThreshold)} s)", target);
    }

    /// <summary>Deadlocks per minute over the window, on the target that had the most.</summary>
    public static RuleReading Deadlocks(RuleThresholds rule, TimeSpan window, IReadOnlyList<(string Target, long Deadlocks)> targets)
    {
        if (targets.Count == 0)
            return RuleReading.NoData("no target watched");
        var (target, count) = targets.MaxBy(t => t.Deadlocks);
        var perMinute = count / window.TotalMinutes;
        return rule.Compare(perMinute, $"{N(count)} deadlocks on {target} in {Span(window)}, {N(perMinute)} per minute " +
                                       $"(fires at {N(rule.Threshold)}, clears below {N(rule.ClearThreshold)})", target);
    }

    /// <summary>Detected (unreviewed) changes on production targets; the newest one's target is the one the alert names.</summary>
    public static RuleReading DetectedChanges(RuleThresholds rule, IReadOnlyList<DetectedChangeFact> changes)
    {
        if (changes.Count == 0)
            return rule.Compare(0, "no Detected change on a production target");
        var newest = changes.MaxBy(c => c.DetectedAt)!;
        var what = changes.Count == 1 ? $"change #{newest.Number}" : $"{changes.Count} changes, the newest #{newest.Number},";
        return rule.Compare(changes.Count, $"{what} Detected on production target {newest.Target} and not reviewed: {newest.Title}", newest.Target);
    }

    private static RuleReading? TooFew(RuleThresholds rule, CheckoutFigures window) =>
        window.Attempts >= Math.Max(1, rule.MinimumVolume)
            ? null
            : RuleReading.NoData($"{N(window.Attempts)} checkout attempts over {Span(window)}, fewer than the minimum volume of {N(rule.MinimumVolume)}");

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", Invariant) + " %";

    private static string Times(double factor) => factor.ToString("0.##", Invariant) + "×";

    private static string N(double value) => value.ToString(value == Math.Floor(value) ? "#,0" : "#,0.##", Invariant);

    private static string Span(CheckoutFigures window) => Span(window.To - window.From);

    public static string Span(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0} h"
        : span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes) ? $"{span.TotalMinutes:0} min"
        : span.TotalMinutes >= 1 ? $"{Math.Floor(span.TotalMinutes):0} min {span.Seconds} s"
        : $"{span.TotalSeconds:0} s";
}

/// <summary>A Detected change as the Detected-change rule sees it.</summary>
public sealed record DetectedChangeFact(int Number, string Title, string Target, DateTimeOffset DetectedAt);
