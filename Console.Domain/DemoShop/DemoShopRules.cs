namespace OpsConsole.Domain.DemoShop;

/// <summary>The ranges a workload setting may take, for both configuration (checked on start) and live tuning.</summary>
public static class DemoShopRules
{
    /// <summary>Throws <see cref="DomainRuleException"/> naming the first setting out of range.</summary>
    public static void Check(DemoShopOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Target))
            Fail(nameof(o.Target), "Name the target the shop runs on.");
        Range(nameof(o.RatePerSecond), o.RatePerSecond, 0.1, 1000, "checkouts per second");
        Range(nameof(o.Concurrency), o.Concurrency, 1, 200, "connections");
        Range(nameof(o.CartSizeMin), o.CartSizeMin, 1, 20, "items");
        Range(nameof(o.CartSizeMax), o.CartSizeMax, o.CartSizeMin, 20, "items (and at least the minimum)");
        Range(nameof(o.Products), o.Products, 10, 100_000, "products");
        Range(nameof(o.HotProducts), o.HotProducts, 1, Math.Max(1, o.Products / 2), "products (at most half the catalog)");
        Range(nameof(o.HotShare), o.HotShare, 0, 1, "(a probability)");
        Range(nameof(o.LineLatency), o.LineLatency.TotalMilliseconds, 0, 1_000, "ms");
        Range(nameof(o.PaymentLatencyMin), o.PaymentLatencyMin.TotalMilliseconds, 0, 10_000, "ms");
        Range(nameof(o.PaymentLatencyMax), o.PaymentLatencyMax.TotalMilliseconds, o.PaymentLatencyMin.TotalMilliseconds, 10_000, "ms (and at least the minimum)");
        Range(nameof(o.DeclineRate), o.DeclineRate, 0, 1, "(a probability)");
        Range(nameof(o.PeakEvery), o.PeakEvery.TotalSeconds, 10, 24 * 3600, "seconds");
        Range(nameof(o.PeakDuration), o.PeakDuration.TotalSeconds, 0, o.PeakEvery.TotalSeconds, "seconds (at most the peak interval)");
        Range(nameof(o.PeakFactor), o.PeakFactor, 1, 50, "times the rate");
        Range(nameof(o.AttemptTimeout), o.AttemptTimeout.TotalSeconds, 1, 120, "seconds");
        if (o.AttemptTimeout.Ticks % TimeSpan.TicksPerSecond != 0)
            Fail(nameof(o.AttemptTimeout), "AttemptTimeout is whole seconds (the driver's timeouts are).");
        Range(nameof(o.StatementTimeout), o.StatementTimeout.TotalSeconds, 0, 3600, "seconds (0 leaves the target's own)");
        Range(nameof(o.OrderRetention), o.OrderRetention.TotalMinutes, 1, 7 * 24 * 60, "minutes");
    }

    /// <summary>The first problem, for configuration validation; null when the settings are usable.</summary>
    public static string? Problem(DemoShopOptions o)
    {
        try
        {
            Check(o);
            return null;
        }
        catch (DomainRuleException rule)
        {
            return $"{DemoShopOptions.Section}:{rule.Field}: {rule.Message}";
        }
    }

    /// <summary>Refuses a value outside [min, max], naming the field; shared with the other forms that tune a checkout load.</summary>
    internal static void Range(string field, double value, double min, double max, string unit)
    {
        if (double.IsNaN(value) || value < min || value > max)
            Fail(field, $"{field} must be between {min:0.###} and {max:0.###} {unit}; it was {value:0.###}.");
    }

    internal static void Fail(string field, string message) => throw new DomainRuleException(message, field);
}
