namespace OpsConsole.Domain.Checkout;

/// <summary>Checkout figures over a window of whole minutes. Percentiles are exact over the window (merged histograms).</summary>
public sealed record CheckoutFigures(DateTimeOffset From, DateTimeOffset To, long Attempts, long Successes, long Failures, double? SuccessRate,
    double CheckoutsPerMinute, double P50Ms, double P95Ms, double P99Ms, decimal Revenue, IReadOnlyDictionary<string, long> FailuresByClass)
{
    public static CheckoutFigures Of(DateTimeOffset from, DateTimeOffset to, CheckoutTally t) => new(from, to, t.Attempts, t.Successes, t.Failures,
        t.SuccessRate, t.Attempts / Math.Max(1, (to - from).TotalMinutes), t.PercentileMs(50), t.PercentileMs(95), t.PercentileMs(99), t.Revenue,
        t.FailuresByClassName());
}

/// <summary>The headline: the last whole minute and the last five whole minutes before "now".</summary>
public sealed record CheckoutHeadline(string? Service, CheckoutFigures LastMinute, CheckoutFigures LastFiveMinutes);

/// <summary>One minute of a time series (all services merged unless one was asked for). Empty minutes have zero attempts.</summary>
public sealed record CheckoutMinutePoint(DateTimeOffset Minute, long Attempts, long Successes, long Failures, double? SuccessRate,
    double P50Ms, double P95Ms, double P99Ms, decimal Revenue, IReadOnlyDictionary<string, long> FailuresByClass);
