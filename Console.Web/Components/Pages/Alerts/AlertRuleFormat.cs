using System.Globalization;
using OpsConsole.Domain.Alerts.Rules;

namespace OpsConsole.Web.Components.Pages.Alerts;

/// <summary>A rule's settings in words, in the unit of its kind.</summary>
public static class AlertRuleFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Threshold(AlertRuleKind kind, double value) => kind switch
    {
        AlertRuleKind.CheckoutFailureRate => (value * 100).ToString("0.##", Invariant) + " %",
        AlertRuleKind.SloBurnRate => value.ToString("0.##", Invariant) + "×",
        AlertRuleKind.LatencyP95 => value.ToString("#,0.##", Invariant) + " ms",
        AlertRuleKind.LockWait => value.ToString("0.##", Invariant) + " s",
        AlertRuleKind.DeadlocksPerMinute => value.ToString("0.##", Invariant) + " / min",
        _ => value.ToString("0.##", Invariant),
    };

    public static string Window(AlertRule rule) => rule.Kind switch
    {
        AlertRuleKind.SloBurnRate => $"{Duration(rule.Window)} and {Duration(rule.ShortWindow ?? TimeSpan.Zero)} of {(rule.Objective ?? 0) * 100:0.###} %",
        _ when !rule.Kind.HasWindow() => "now",
        _ => Duration(rule.Window),
    };

    public static string Watches(AlertRule rule) => rule.Kind.ReadsCheckout()
        ? $"{rule.Service ?? "all services"} on {rule.Target ?? "any target"}{(rule.MinimumVolume > 0 ? $", ≥ {rule.MinimumVolume} attempts" : "")}"
        : rule.Target ?? (rule.Kind == AlertRuleKind.DetectedChange ? "every production target" : "every target");

    public static string Duration(TimeSpan span) => span == TimeSpan.Zero ? "0" : AlertReadings.Span(span);
}
