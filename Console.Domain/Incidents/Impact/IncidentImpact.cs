using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Incidents.Impact;

/// <summary>
/// What an incident cost checkout over its window, from the minute series (<see cref="CheckoutHealth.SeriesAsync"/>
/// from onset to recovery, or to now while it lasts): failed checkouts, the share of attempts that failed, the worst
/// minute, and the revenue those failures probably cost.
/// </summary>
/// <param name="EstimatedLostRevenue">
/// Failed checkouts times the average amount of a successful checkout in the same window; null when no amounts were
/// reported (no successful checkout with an amount), as a guess from nothing would look like a figure.
/// </param>
public sealed record IncidentImpact(
    DateTimeOffset From,
    DateTimeOffset To,
    long Attempts,
    long FailedCheckouts,
    double? FailedShare,
    double? PeakFailedShare,
    DateTimeOffset? PeakMinute,
    decimal? AverageAmount,
    decimal? EstimatedLostRevenue,
    IReadOnlyDictionary<string, long> FailuresByClass)
{
    public static IncidentImpact Of(IReadOnlyList<CheckoutMinutePoint> points)
    {
        if (points.Count == 0)
            return new(default, default, 0, 0, null, null, null, null, null, ErrorClasses.All.ToDictionary(c => c, _ => 0L));
        long attempts = 0, failures = 0, successes = 0;
        decimal revenue = 0;
        var byClass = ErrorClasses.All.ToDictionary(c => c, _ => 0L);
        CheckoutMinutePoint? peak = null;
        foreach (var point in points)
        {
            (attempts, failures, successes, revenue) = (attempts + point.Attempts, failures + point.Failures, successes + point.Successes, revenue + point.Revenue);
            foreach (var (errorClass, count) in point.FailuresByClass)
                byClass[errorClass] = byClass.GetValueOrDefault(errorClass) + count;
            if (point.Attempts > 0 && (peak is null || Share(point) > Share(peak)))
                peak = point;
        }
        decimal? average = successes > 0 && revenue > 0 ? revenue / successes : null;
        return new IncidentImpact(points[0].Minute, points[^1].Minute.AddMinutes(1), attempts, failures,
            attempts == 0 ? null : (double)failures / attempts, peak is null ? null : Share(peak), peak?.Minute,
            average is null ? null : Math.Round(average.Value, 2), average is null ? null : Math.Round(average.Value * failures, 2), byClass);
    }

    private static double Share(CheckoutMinutePoint point) => (double)point.Failures / point.Attempts;
}
