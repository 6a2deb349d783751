using OpsConsole.Domain.Alerts.Rules;
using static OpsConsole.Tests.Domain.AlertSeries;

namespace OpsConsole.Tests.Domain;

/// <summary>Burn-rate arithmetic for a 99.5 % checkout objective, and the multiwindow rules built on it.</summary>
public sealed class BurnRateTests
{
    private const double Objective = 0.995;
    private static readonly TimeSpan H1 = TimeSpan.FromHours(1), M5 = TimeSpan.FromMinutes(5), H6 = TimeSpan.FromHours(6), M30 = TimeSpan.FromMinutes(30);
    private static readonly RuleThresholds Fast = new(14.4, 7.2, 100), Slow = new(6, 3, 100);

    [Fact]
    public void TheBudget_OfA995Objective_IsHalfAPercent() => Assert.Equal(0.005, BurnRate.Budget(Objective), 9);

    [Theory]
    [InlineData(5, 1000, 1.0)]       // 0.5 % failing spends the budget exactly at its pace
    [InlineData(72, 1000, 14.4)]     // 7.2 %: the fast page
    [InlineData(30, 1000, 6.0)]      // 3 %: the slow page
    [InlineData(0, 1000, 0.0)]
    [InlineData(1000, 1000, 200.0)]  // everything failing
    public void TheBurnRate_IsTheFailureRateOverTheBudget(long failures, long attempts, double burn) =>
        Assert.Equal(burn, BurnRate.Of(failures, attempts, Objective)!.Value, 9);

    [Fact]
    public void NoAttempts_HaveNoBurnRate() => Assert.Null(BurnRate.Of(0, 0, Objective));

    [Fact]
    public void TheFailureRates_ThatPage_Are72And3Percent()
    {
        Assert.Equal(0.072, BurnRate.FailureRateAt(14.4, Objective), 9);
        Assert.Equal(0.03, BurnRate.FailureRateAt(6, Objective), 9);
    }

    [Fact]
    public void FastBurnForAnHour_And_SlowBurnForSixHours_Spend2And5PercentOfA30DayBudget()
    {
        Assert.Equal(0.02, BurnRate.BudgetSpent(14.4, H1), 9);
        Assert.Equal(0.05, BurnRate.BudgetSpent(6, H6), 9);
    }

    [Fact]
    public void TheFastRule_FiresOnlyWhenTheHourAndTheFiveMinutesBothBurn14Point4()
    {
        var both = AlertReadings.SloBurn(Fast, Objective, Figures(10_000, 800, H1), Figures(1000, 80, M5));
        var pastBurst = AlertReadings.SloBurn(Fast, Objective, Figures(10_000, 800, H1), Figures(1000, 5, M5));
        var freshBlip = AlertReadings.SloBurn(Fast, Objective, Figures(10_000, 100, H1), Figures(1000, 500, M5));

        Assert.True(both.Breaching);
        Assert.Equal(16, both.Value!.Value, 6);        // the lesser of 16× and 16×
        Assert.False(pastBurst.Breaching);              // the hour burned, the last five minutes no longer do
        Assert.True(pastBurst.Clear);
        Assert.False(freshBlip.Breaching);              // five bad minutes are not yet an hour's burn
        Assert.Contains("99.5 %", both.Summary);
    }

    [Fact]
    public void TheFastRule_OverASustainedOutage_FiresAfterAboutFortyThreeMinutes()
    {
        // 10 % failing from minute 60 (20× burn): the hour's average reaches 7.2 % after 43.2 minutes of it.
        var series = Minutes((60, new Minute(1000, 0)), (60, new Minute(1000, 100)));

        var steps = Run(at => AlertReadings.SloBurn(Fast, Objective, Window(series, at, H1), Window(series, at, M5)), TimeSpan.Zero, M5,
            TimeSpan.FromMinutes(119));

        var fired = Assert.Single(steps);
        Assert.InRange(fired.At - Start.AddMinutes(60), TimeSpan.FromMinutes(42), TimeSpan.FromMinutes(44));
    }

    [Fact]
    public void TheSlowRule_FiresOnA4PercentLeak_ThatTheFastRuleIgnores()
    {
        var series = Minutes((360, new Minute(1000, 40)));
        RuleReading Read(RuleThresholds rule, TimeSpan longWindow, TimeSpan shortWindow, DateTimeOffset at) =>
            AlertReadings.SloBurn(rule, Objective, Window(series, at, longWindow), Window(series, at, shortWindow));

        var fast = Run(at => Read(Fast, H1, M5, at), TimeSpan.Zero, M5, TimeSpan.FromMinutes(359));
        var slow = Run(at => Read(Slow, H6, M30, at), TimeSpan.Zero, M5, TimeSpan.FromMinutes(359));

        Assert.Empty(fast);
        Assert.Equal(AlertTransition.Fired, Assert.Single(slow).Transition);
    }

    [Fact]
    public void TheFastRule_ResolvesWithinTheShortWindowOfRecovery_WhileTheHourStillBurns()
    {
        var series = Minutes((60, new Minute(1000, 0)), (50, new Minute(1000, 100)), (30, new Minute(1000, 0)));

        var steps = Run(at => AlertReadings.SloBurn(Fast, Objective, Window(series, at, H1), Window(series, at, M5)), TimeSpan.Zero, TimeSpan.Zero,
            TimeSpan.FromMinutes(139));

        Assert.Equal([AlertTransition.Fired, AlertTransition.Resolved], steps.Select(s => s.Transition));
        Assert.InRange(steps[1].At - Start.AddMinutes(110), TimeSpan.Zero, TimeSpan.FromMinutes(6));
    }

    [Fact]
    public void ABurn_OverNoMoreHistoryThanTheShortWindow_IsNoDataYet_AndPagesOnceTheHistoryReachesPastIt()
    {
        // A fresh console: three minutes of checkouts, 6 % failing at startup. Both windows read the same three minutes.
        var young = AlertReadings.SloBurn(Slow, Objective, Figures(1000, 60, H6), Figures(1000, 60, M30), history: TimeSpan.FromMinutes(3));
        var grown = AlertReadings.SloBurn(Slow, Objective, Figures(1000, 60, H6), Figures(1000, 60, M30), history: TimeSpan.FromMinutes(31));

        Assert.False(young.Breaching);
        Assert.Null(young.Value);
        Assert.Contains("needs more history than its short window of 30 min", young.Summary);
        Assert.True(grown.Breaching);
    }

    private static OpsConsole.Domain.Checkout.CheckoutFigures Figures(long attempts, long failures, TimeSpan span) =>
        new(Start, Start + span, attempts, attempts - failures, failures, null, 0, 0, 0, 0, 0, new Dictionary<string, long>());
}
