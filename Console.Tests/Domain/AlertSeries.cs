using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Tests.Domain;

/// <summary>
/// Known series for the alert rule tests: a signal given minute by minute, evaluated every 10 s as the evaluator does,
/// through the hysteresis, recording each fire and resolve.
/// </summary>
internal static class AlertSeries
{
    public static readonly DateTimeOffset Start = new(2026, 5, 3, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    public sealed record Step(DateTimeOffset At, AlertTransition Transition, RuleState State, RuleReading Reading);

    /// <summary>Evaluates <paramref name="read"/> every 10 s from <see cref="Start"/> for <paramref name="duration"/>; returns the fires and resolves.</summary>
    public static List<Step> Run(Func<DateTimeOffset, RuleReading> read, TimeSpan holdFor, TimeSpan clearFor, TimeSpan duration)
    {
        var state = RuleState.Ok;
        var transitions = new List<Step>();
        for (var at = Start; at <= Start + duration; at += Every)
        {
            var reading = read(at);
            (state, var transition) = AlertHysteresis.Step(state, reading, holdFor, clearFor, at);
            if (transition != AlertTransition.None)
                transitions.Add(new Step(at, transition, state, reading));
        }
        return transitions;
    }

    /// <summary>One minute of checkout figures; the series gives them from <see cref="Start"/> on, one per minute.</summary>
    public sealed record Minute(long Attempts, long Failures, double P95Ms = 100);

    public static Minute[] Minutes(params (int Count, Minute Each)[] runs) => runs.SelectMany(r => Enumerable.Repeat(r.Each, r.Count)).ToArray();

    /// <summary>What CheckoutHealth.WindowAsync answers at <paramref name="at"/>: the minutes from (at − window) rounded down, up to at, the current one included.</summary>
    public static CheckoutFigures Window(Minute[] series, DateTimeOffset at, TimeSpan window)
    {
        var from = CheckoutMinute.MinuteOf(at - window);
        var inWindow = Enumerable.Range(0, series.Length).Select(i => (Minute: Start.AddMinutes(i), Figures: series[i]))
            .Where(m => m.Minute >= from && m.Minute < at).Select(m => m.Figures).ToList();
        long attempts = inWindow.Sum(m => m.Attempts), failures = inWindow.Sum(m => m.Failures);
        // The test's own stand-in for merged histograms: the worst minute's p95 is what a window of such minutes reports at most.
        var p95 = inWindow.Count == 0 ? 0 : inWindow.Max(m => m.P95Ms);
        return new CheckoutFigures(from, at, attempts, attempts - failures, failures, attempts == 0 ? null : (double)(attempts - failures) / attempts,
            attempts / Math.Max(1, (at - from).TotalMinutes), p95 / 2, p95, p95, 0, new Dictionary<string, long>());
    }

    /// <summary>A value per minute (lock wait seconds, deadlocks), as it stands at <paramref name="at"/>.</summary>
    public static T At<T>(T[] perMinute, DateTimeOffset at) => perMinute[Math.Min(perMinute.Length - 1, (int)((at - Start).TotalMinutes))];
}
