using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents.Impact;

namespace OpsConsole.Tests.Domain;

/// <summary>Impact over known minute series, and durations from known times (the outage's own).</summary>
public sealed class IncidentImpactTests
{
    private static readonly DateTimeOffset Onset = new(2024, 5, 3, 14, 12, 0, TimeSpan.Zero);

    private static CheckoutMinutePoint Minute(int offset, long successes, long deadlocks = 0, long gateway = 0, decimal amount = 0)
    {
        var failures = deadlocks + gateway;
        var byClass = ErrorClasses.All.ToDictionary(c => c, _ => 0L);
        (byClass[ErrorClasses.DbDeadlock], byClass[ErrorClasses.PaymentGateway]) = (deadlocks, gateway);
        var attempts = successes + failures;
        return new CheckoutMinutePoint(Onset.AddMinutes(offset), attempts, successes, failures, attempts == 0 ? null : (double)successes / attempts,
            40, 90, 120, successes * amount, byClass);
    }

    [Fact]
    public void Impact_SumsFailures_ItsShare_TheWorstMinute_AndLostRevenueAtTheAverageAmount()
    {
        var impact = IncidentImpact.Of([
            Minute(0, successes: 80, deadlocks: 20, amount: 50m),
            Minute(1, successes: 60, deadlocks: 30, gateway: 10, amount: 50m),
            Minute(2, successes: 0),
            Minute(3, successes: 90, deadlocks: 10, amount: 60m),
        ]);

        Assert.Equal((300L, 70L), (impact.Attempts, impact.FailedCheckouts));
        Assert.Equal(70.0 / 300, impact.FailedShare!.Value, 9);
        Assert.Equal((0.4, Onset.AddMinutes(1)), (impact.PeakFailedShare, impact.PeakMinute));
        // (80·50 + 60·50 + 90·60) / 230 successes = 53.913…, times 70 failures.
        Assert.Equal((53.91m, 3773.91m), (impact.AverageAmount, impact.EstimatedLostRevenue));
        Assert.Equal((60L, 10L), (impact.FailuresByClass[ErrorClasses.DbDeadlock], impact.FailuresByClass[ErrorClasses.PaymentGateway]));
        Assert.Equal((Onset, Onset.AddMinutes(4)), (impact.From, impact.To));
    }

    [Fact]
    public void Impact_WithoutAmounts_EstimatesNoRevenue_RatherThanZero()
    {
        var impact = IncidentImpact.Of([Minute(0, successes: 10, deadlocks: 5)]);

        Assert.Equal(5, impact.FailedCheckouts);
        Assert.Null(impact.AverageAmount);
        Assert.Null(impact.EstimatedLostRevenue);
    }

    [Fact]
    public void Impact_OfAWindowWithoutAttempts_HasNoShares()
    {
        var empty = IncidentImpact.Of([Minute(0, successes: 0), Minute(1, successes: 0)]);
        var none = IncidentImpact.Of([]);

        Assert.Equal((0L, (double?)null, (double?)null), (empty.FailedCheckouts, empty.FailedShare, empty.PeakFailedShare));
        Assert.Equal((0L, (double?)null), (none.Attempts, none.FailedShare));
    }

    [Fact]
    public void Durations_OfTheOutage_AreMeasuredFromOnset()
    {
        var durations = IncidentDurations.Of(Onset, detected: Onset, identified: Onset.AddMinutes(58), recovered: Onset.AddMinutes(78),
            resolved: Onset.AddMinutes(85), now: Onset.AddHours(5));

        Assert.Equal(new IncidentDurations(TimeSpan.Zero, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(78), TimeSpan.FromMinutes(85), Ongoing: false),
            durations);
        Assert.Equal("1 h 25 min", IncidentDurations.Words(durations.Total));
    }

    [Fact]
    public void Durations_OfAnOngoingIncident_RunToNow_AndLeaveWhatHasNotHappenedEmpty()
    {
        var durations = IncidentDurations.Of(Onset, detected: Onset.AddSeconds(-20), identified: null, recovered: null, resolved: null,
            now: Onset.AddMinutes(12));

        Assert.Equal(new IncidentDurations(TimeSpan.Zero, null, null, TimeSpan.FromMinutes(12), Ongoing: true), durations);
    }

    [Theory]
    [InlineData(45, "45 s")]
    [InlineData(12 * 60 + 30, "12 min")]
    [InlineData(85 * 60, "1 h 25 min")]
    [InlineData(51 * 3600, "2 d 3 h")]
    public void Durations_ReadInWords(int seconds, string words) =>
        Assert.Equal(words, IncidentDurations.Words(TimeSpan.FromSeconds(seconds)));
}
