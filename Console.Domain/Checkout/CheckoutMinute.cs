namespace OpsConsole.Domain.Checkout;

/// <summary>
/// One service's checkout attempts in one UTC minute (by when they occurred, so a late event lands in its own
/// minute). The encoded histogram makes percentiles over several minutes exact; p50/p95/p99 are kept beside
/// it for readers that want one minute without decoding.
/// </summary>
public sealed class CheckoutMinute
{
    public string Service { get; private set; } = "";
    public DateTimeOffset Minute { get; private set; }
    public long Attempts { get; private set; }
    public long Successes { get; private set; }
    public long Failures { get; private set; }

    // A column per error class: alert rules and ad-hoc SQL read them by name.
    public long FailedDbDeadlock { get; private set; }
    public long FailedDbLockTimeout { get; private set; }
    public long FailedDbSerialization { get; private set; }
    public long FailedDbConnectionTimeout { get; private set; }
    public long FailedPaymentGateway { get; private set; }
    public long FailedValidation { get; private set; }
    public long FailedOther { get; private set; }

    public double LatencyP50Ms { get; private set; }
    public double LatencyP95Ms { get; private set; }
    public double LatencyP99Ms { get; private set; }
    public decimal Revenue { get; private set; }
    public byte[] Histogram { get; private set; } = [];
    public DateTimeOffset UpdatedAt { get; private set; }

    private CheckoutMinute() { }

    public CheckoutMinute(string service, DateTimeOffset minute) => (Service, Minute) = (service, minute);

    /// <summary>In the order of <see cref="ErrorClasses.All"/>.</summary>
    public long[] FailuresByClass =>
        [FailedDbDeadlock, FailedDbLockTimeout, FailedDbSerialization, FailedDbConnectionTimeout, FailedPaymentGateway, FailedValidation, FailedOther];

    public CheckoutTally ToTally() => CheckoutTally.From(Attempts, Successes, FailuresByClass, Revenue, Histogram);

    public void Set(CheckoutTally tally, DateTimeOffset now)
    {
        (Attempts, Successes, Failures, Revenue) = (tally.Attempts, tally.Successes, tally.Failures, tally.Revenue);
        var f = tally.FailuresByClass;
        (FailedDbDeadlock, FailedDbLockTimeout, FailedDbSerialization, FailedDbConnectionTimeout, FailedPaymentGateway, FailedValidation, FailedOther) =
            (f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        (LatencyP50Ms, LatencyP95Ms, LatencyP99Ms) = (tally.PercentileMs(50), tally.PercentileMs(95), tally.PercentileMs(99));
        Histogram = LatencyHistograms.Encode(tally.Latency);
        UpdatedAt = now;
    }

    public static DateTimeOffset MinuteOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }
}
