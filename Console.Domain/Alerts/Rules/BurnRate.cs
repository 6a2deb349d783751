namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// Error-budget arithmetic for an availability objective (0.995 = 99.5 % of checkouts succeed). The budget is the share
/// allowed to fail (0.5 %); the burn rate is how many times faster than that the budget is being spent. Spending at 1× for
/// a whole SLO period uses exactly the budget; 14.4× for 1 h of a 30-day period uses 2 % of it (the fast page), 6× for 6 h
/// uses 5 % (the slow page): Google's SRE workbook, chapter "Alerting on SLOs".
/// </summary>
public static class BurnRate
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(30);

    /// <summary>The share of attempts allowed to fail.</summary>
    public static double Budget(double objective) => 1 - objective;

    /// <summary>The burn rate of <paramref name="failures"/> in <paramref name="attempts"/>; null with no attempts.</summary>
    public static double? Of(long failures, long attempts, double objective) =>
        attempts <= 0 ? null : (double)failures / attempts / Budget(objective);

    /// <summary>The failure rate at which the budget burns <paramref name="factor"/> times too fast.</summary>
    public static double FailureRateAt(double factor, double objective) => factor * Budget(objective);

    /// <summary>The share of the period's budget spent by burning at <paramref name="burn"/> for <paramref name="window"/>.</summary>
    public static double BudgetSpent(double burn, TimeSpan window) => burn * (window / Period);
}
