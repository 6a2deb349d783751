using OpsConsole.Domain.Incidents.Reports;

namespace OpsConsole.Tests.Domain;

/// <summary>The managers' monthly arithmetic over known incidents and changes.</summary>
public sealed class MonthlySummaryTests
{
    private static readonly ReportMonth March = new(2026, 3), April = new(2026, 4), May = new(2026, 5);

    private static DateTimeOffset At(int month, int day, int hour = 12, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static IncidentFacts Incident(DateTimeOffset onset, double? detectMinutes, double? recoverMinutes) =>
        new(onset, detectMinutes is { } d ? onset.AddMinutes(d) : null, recoverMinutes is { } r ? onset.AddMinutes(r) : null);

    private static ChangeFacts Change(DateTimeOffset applied, bool rolledBack = false, bool linked = false) => new(Guid.NewGuid(), applied, rolledBack, linked);

    [Fact]
    public void EachMonth_CountsIncidents_AveragesDetectAndRecover_AndDividesFailedChangesByApplied()
    {
        IncidentFacts[] incidents =
        [
            Incident(At(3, 2), detectMinutes: 2, recoverMinutes: 40),
            Incident(At(3, 20), detectMinutes: 6, recoverMinutes: 80),
            Incident(At(5, 7), detectMinutes: 1, recoverMinutes: null),
        ];
        ChangeFacts[] changes =
        [
            Change(At(3, 1), rolledBack: true), Change(At(3, 9), linked: true), Change(At(3, 10), rolledBack: true, linked: true), Change(At(3, 30)),
            Change(At(4, 3)), Change(At(4, 4)),
        ];

        var months = MonthlySummary.Of(incidents, changes, March, May, TimeZoneInfo.Utc);

        Assert.Equal([
            new MonthFigures(March, 2, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(60), 4, 3, 0.75),
            new MonthFigures(April, 0, null, null, 2, 0, 0.0),
            new MonthFigures(May, 1, TimeSpan.FromMinutes(1), null, 0, 0, null),
        ], months);
    }

    [Fact]
    public void Months_AreTheReadersCalendarMonths()
    {
        var utcPlusTwo = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "UTC+2", "UTC+2");
        IncidentFacts[] incidents = [Incident(At(3, 31, 23, 30), 1, 10)];
        ChangeFacts[] changes = [Change(At(3, 31, 22, 15))];

        var inUtc = MonthlySummary.Of(incidents, changes, March, April, TimeZoneInfo.Utc);
        var inZone = MonthlySummary.Of(incidents, changes, March, April, utcPlusTwo);

        Assert.Equal([(1, 1), (0, 0)], inUtc.Select(m => (m.Incidents, m.ChangesApplied)));
        Assert.Equal([(0, 0), (1, 1)], inZone.Select(m => (m.Incidents, m.ChangesApplied)));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(2)), April.StartIn(utcPlusTwo));
    }

    [Fact]
    public void AYearEnd_IsCrossed_AndLabelsReadAsYearAndMonth()
    {
        var months = MonthlySummary.Of([], [], new ReportMonth(2025, 11), new ReportMonth(2026, 2), TimeZoneInfo.Utc);

        Assert.Equal(["2025-11", "2025-12", "2026-01", "2026-02"], months.Select(m => m.Month.ToString()));
        Assert.All(months, m => Assert.Equal((0, (TimeSpan?)null, (double?)null), (m.Incidents, m.MeanTimeToRecover, m.ChangeFailureRate)));
    }

    [Theory]
    [InlineData("2026-03", 2026, 3)]
    [InlineData("1999-12", 1999, 12)]
    public void AMonth_ParsesFromHowItIsWritten(string text, int year, int month)
    {
        Assert.True(ReportMonth.TryParse(text, out var parsed));
        Assert.Equal(new ReportMonth(year, month), parsed);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-3")]
    [InlineData("2026/03")]
    [InlineData("26-03-01")]
    [InlineData("+026-03")]
    [InlineData("0000-01")]
    public void AnythingElse_IsNotAMonth(string? text) => Assert.False(ReportMonth.TryParse(text, out _));

    [Fact]
    public void Months_CountAcrossAYear_BothWays()
    {
        Assert.Equal(13, new ReportMonth(2026, 1).MonthsSince(new ReportMonth(2024, 12)));
        Assert.Equal(-1, new ReportMonth(2025, 12).MonthsSince(new ReportMonth(2026, 1)));
        Assert.Equal(new ReportMonth(2025, 12), new ReportMonth(2026, 1).Previous());
        Assert.Equal(new ReportMonth(2025, 8), new ReportMonth(2026, 1).Back(5));
        Assert.Equal(new ReportMonth(2024, 12), new ReportMonth(2026, 12).Back(24));
        Assert.Equal(new ReportMonth(2026, 1), new ReportMonth(2026, 1).Back(0));
    }
}
