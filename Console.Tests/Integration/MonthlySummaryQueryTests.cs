using OpsConsole.Domain;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>The monthly summary's change side, read from a real store: which changes count as applied, and which as failed.</summary>
public sealed class MonthlySummaryQueryTests(PostgresClusterFixture postgres)
{
    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Summarize_CountsRegisteredChangesAppliedInEachMonth_AndThoseRolledBackOrLinkedToAnIncidentAsFailed()
    {
        var seeds = new StoreSeeds(await postgres.CreateStoreAsync("monthly"));
        var shop = await seeds.TargetAsync("shop", At(1, 1));
        await seeds.AppliedSettingAsync(shop, "deadlock_timeout", At(3, 5), rolledBackAt: At(3, 6));
        var linked = await seeds.AppliedSettingAsync(shop, "lock_timeout", At(3, 10));
        await seeds.AppliedSettingAsync(shop, "work_mem", At(3, 12), rollbackFailedAt: At(4, 2));
        await seeds.AppliedSettingAsync(shop, "random_page_cost", At(3, 20));
        await seeds.AppliedSettingAsync(shop, "statement_timeout", At(4, 2));
        await seeds.AppliedSettingAsync(shop, "max_connections", At(2, 27), rolledBackAt: At(3, 1));
        await seeds.DetectedAsync(shop, "deadlock_timeout", At(3, 8));
        await seeds.DraftAsync(shop, "lock_timeout", At(3, 9));
        var query = new MonthlySummaryQuery(seeds.Factory);
        IncidentFacts[] incidents = [new(At(3, 10), At(3, 10).AddMinutes(1), At(3, 10).AddMinutes(20))];

        var months = await query.SummarizeAsync(incidents, new HashSet<Guid> { linked.Id }, new ReportMonth(2026, 3), new ReportMonth(2026, 4),
            TimeZoneInfo.Utc);

        Assert.Equal([
            new MonthFigures(new ReportMonth(2026, 3), 1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(20), 4, 3, 0.75),
            new MonthFigures(new ReportMonth(2026, 4), 0, null, null, 1, 0, 0.0),
        ], months);
    }

    [Fact]
    public async Task Read_CountsIncidentsByOnset_DetectedWhenOpened_AndChangesNamedAsACauseAsFailed_EvenByALaterMonthsIncident()
    {
        var seeds = new StoreSeeds(await postgres.CreateStoreAsync("monthlyread"));
        var shop = await seeds.TargetAsync("shop", At(1, 1));
        var causeInMarch = await seeds.AppliedSettingAsync(shop, "deadlock_timeout", At(3, 5));
        await seeds.AppliedSettingAsync(shop, "work_mem", At(3, 6));
        var causeInFebruary = await seeds.AppliedSettingAsync(shop, "lock_timeout", At(2, 20));
        await seeds.IncidentAsync(At(3, 10), At(3, 10).AddMinutes(2), recoveredAt: At(3, 10).AddMinutes(30), cause: causeInFebruary);
        await seeds.IncidentAsync(At(3, 20), At(3, 20).AddMinutes(4));
        // Began in April, named a March change as its cause: March's change failed, April has the incident.
        await seeds.IncidentAsync(At(4, 2), At(4, 2).AddMinutes(1), recoveredAt: At(4, 2).AddMinutes(10), cause: causeInMarch);
        await seeds.IncidentAsync(At(5, 1), At(5, 1));
        var query = new MonthlySummaryQuery(seeds.Factory);

        var months = await query.ReadAsync(new ReportMonth(2026, 3), new ReportMonth(2026, 4), TimeZoneInfo.Utc);

        Assert.Equal([
            new MonthFigures(new ReportMonth(2026, 3), 2, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(30), 2, 1, 0.5),
            new MonthFigures(new ReportMonth(2026, 4), 1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), 0, 0, null),
        ], months);
    }

    [Fact]
    public async Task Read_InAZoneAheadOfUtc_CountsByItsCalendar()
    {
        var seeds = new StoreSeeds(await postgres.CreateStoreAsync("monthlyzone"));
        var shop = await seeds.TargetAsync("shop", At(1, 1));
        var lateOnMarch31 = new DateTimeOffset(2026, 3, 31, 23, 0, 0, TimeSpan.Zero);
        await seeds.AppliedSettingAsync(shop, "deadlock_timeout", lateOnMarch31);
        await seeds.IncidentAsync(lateOnMarch31, lateOnMarch31.AddMinutes(2));
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var months = await new MonthlySummaryQuery(seeds.Factory).ReadAsync(new ReportMonth(2026, 3), new ReportMonth(2026, 4), berlin);

        Assert.Equal([(0, 0), (1, 1)], months.Select(m => (m.Incidents, m.ChangesApplied)));
    }

    [Fact]
    public async Task Summarize_RefusesARangeThatRunsBackwards_OrIsTooLong_NamingTheField()
    {
        var query = new MonthlySummaryQuery(new StoreContextFactory(await postgres.CreateStoreAsync("monthlybad")));

        var backwards = await Assert.ThrowsAsync<DomainRuleException>(() =>
            query.SummarizeAsync([], new HashSet<Guid>(), new ReportMonth(2026, 4), new ReportMonth(2026, 3), TimeZoneInfo.Utc));
        var tooLong = await Assert.ThrowsAsync<DomainRuleException>(() =>
            query.SummarizeAsync([], new HashSet<Guid>(), new ReportMonth(2020, 1), new ReportMonth(2026, 3), TimeZoneInfo.Utc));

        var readBackwards = await Assert.ThrowsAsync<DomainRuleException>(() =>
            query.ReadAsync(new ReportMonth(2026, 4), new ReportMonth(2026, 3), TimeZoneInfo.Utc));

        Assert.Equal(("to", "to", "to"), (backwards.Field, tooLong.Field, readBackwards.Field));
    }
}
