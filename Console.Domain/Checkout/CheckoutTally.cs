using HdrHistogram;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Counts, revenue and the latency histogram of a set of checkout attempts: one batch's minute, a stored
/// minute, a window of minutes or a live second. Tallies add up exactly, histograms included.
/// </summary>
public sealed class CheckoutTally
{
    public long Attempts { get; private set; }
    public long Successes { get; private set; }

    /// <summary>Failures per error class, in the order of <see cref="ErrorClasses.All"/>.</summary>
    public long[] FailuresByClass { get; } = new long[ErrorClasses.All.Count];

    /// <summary>Sum of the amounts of succeeded attempts (as sent: one currency is assumed).</summary>
    public decimal Revenue { get; private set; }

    public LongHistogram Latency { get; }

    public CheckoutTally() => Latency = LatencyHistograms.New();

    private CheckoutTally(LongHistogram latency) => Latency = latency;

    public long Failures => Attempts - Successes;

    public void Add(CheckoutEvent e)
    {
        Attempts++;
        if (e.Outcome == CheckoutOutcome.Succeeded)
        {
            Successes++;
            Revenue += e.Amount ?? 0;
        }
        else
            FailuresByClass[ClassIndex(e.ErrorClass)]++;
        LatencyHistograms.Record(Latency, e.LatencyMs);
    }

    public void Add(CheckoutTally other)
    {
        Attempts += other.Attempts;
        Successes += other.Successes;
        for (var i = 0; i < FailuresByClass.Length; i++)
            FailuresByClass[i] += other.FailuresByClass[i];
        Revenue += other.Revenue;
        Latency.Add(other.Latency);
    }

    /// <summary>A tally read back from the store.</summary>
    public static CheckoutTally From(long attempts, long successes, IReadOnlyList<long> failuresByClass, decimal revenue, byte[] histogram)
    {
        var tally = new CheckoutTally(LatencyHistograms.Decode(histogram)) { Attempts = attempts, Successes = successes, Revenue = revenue };
        for (var i = 0; i < tally.FailuresByClass.Length && i < failuresByClass.Count; i++)
            tally.FailuresByClass[i] = failuresByClass[i];
        return tally;
    }

    /// <summary>A batch's delta read back from the store: its latencies are recorded one by one.</summary>
    public static CheckoutTally FromDelta(long attempts, long successes, IReadOnlyList<long> failuresByClass, decimal revenue, long[] latenciesMicros)
    {
        var tally = new CheckoutTally { Attempts = attempts, Successes = successes, Revenue = revenue };
        for (var i = 0; i < tally.FailuresByClass.Length && i < failuresByClass.Count; i++)
            tally.FailuresByClass[i] = failuresByClass[i];
        foreach (var micros in latenciesMicros)
            tally.Latency.RecordValue(micros);
        return tally;
    }

    public double PercentileMs(double percentile) => LatencyHistograms.PercentileMs(Latency, percentile);

    /// <summary>Successes over attempts, 0-1; null when there were no attempts (not 0 %, not 100 %).</summary>
    public double? SuccessRate => Attempts == 0 ? null : (double)Successes / Attempts;

    public IReadOnlyDictionary<string, long> FailuresByClassName() =>
        ErrorClasses.All.Select((name, i) => (name, count: FailuresByClass[i])).ToDictionary(p => p.name, p => p.count);

    /// <summary>An unknown class counts as "other": the contract is checked at the door, this only keeps the sums whole.</summary>
    internal static int ClassIndex(string? errorClass)
    {
        for (var i = 0; i < ErrorClasses.All.Count; i++)
            if (ErrorClasses.All[i] == errorClass)
                return i;
        return OtherIndex;
    }

    private static readonly int OtherIndex = ErrorClasses.All.ToList().IndexOf(ErrorClasses.Other);
}
