using OpsConsole.Domain.Checkout;

namespace OpsConsole.Tests.Domain;

public sealed class CheckoutTallyTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);

    private static CheckoutEvent Attempt(double latencyMs, CheckoutOutcome outcome = CheckoutOutcome.Succeeded, string? errorClass = null,
        decimal? amount = null) => new($"e-{Guid.NewGuid():N}", At, outcome, errorClass, null, latencyMs, amount);

    /// <summary>Within HdrHistogram's 3 significant digits: a value is reported as the top of its bucket, at most 0.1 % off.</summary>
    private static void AssertNear(double expected, double actual) => Assert.InRange(actual, expected * 0.999, expected * 1.001);

    [Fact]
    public void LatenciesOneToAHundred_HaveTheirPercentiles()
    {
        var tally = new CheckoutTally();
        foreach (var ms in Enumerable.Range(1, 100))
            tally.Add(Attempt(ms));

        AssertNear(50, tally.PercentileMs(50));
        AssertNear(95, tally.PercentileMs(95));
        AssertNear(99, tally.PercentileMs(99));
    }

    [Fact]
    public void TwoHalves_AddUpToTheWhole_PercentilesIncluded_AndSurviveEncoding()
    {
        var low = new CheckoutTally();
        var high = new CheckoutTally();
        foreach (var ms in Enumerable.Range(1, 50))
            low.Add(Attempt(ms, amount: 2));
        foreach (var ms in Enumerable.Range(51, 50))
            high.Add(Attempt(ms, CheckoutOutcome.Failed, ErrorClasses.DbDeadlock, amount: 1000));

        var whole = CheckoutTally.From(low.Attempts, low.Successes, low.FailuresByClass, low.Revenue, LatencyHistograms.Encode(low.Latency));
        whole.Add(CheckoutTally.From(high.Attempts, high.Successes, high.FailuresByClass, high.Revenue, LatencyHistograms.Encode(high.Latency)));

        Assert.Equal((100L, 50L, 50L, 100m, 0.5), (whole.Attempts, whole.Successes, whole.Failures, whole.Revenue, whole.SuccessRate));
        Assert.Equal(50, whole.FailuresByClassName()[ErrorClasses.DbDeadlock]);
        AssertNear(50, whole.PercentileMs(50));
        AssertNear(99, whole.PercentileMs(99));
    }

    [Fact]
    public void AMinuteBucket_KeepsEachErrorClassInItsOwnColumn()
    {
        var tally = new CheckoutTally();
        foreach (var (name, i) in ErrorClasses.All.Select((n, i) => (n, i)))
            for (var n = 0; n <= i; n++)
                tally.Add(Attempt(10, CheckoutOutcome.Failed, name));
        var bucket = new CheckoutMinute("checkout", At);

        bucket.Set(tally, At);

        Assert.Equal(ErrorClasses.All.Select((_, i) => (long)i + 1), bucket.FailuresByClass);
        Assert.Equal((1L, 7L), (bucket.FailedDbDeadlock, bucket.FailedOther));
        Assert.Equal(tally.FailuresByClassName(), bucket.ToTally().FailuresByClassName());
    }

    [Fact]
    public void NoAttempts_IsNoSuccessRate_AndNoLatency()
    {
        var empty = new CheckoutTally();

        Assert.Equal((null, 0.0), (empty.SuccessRate, empty.PercentileMs(95)));
    }
}
