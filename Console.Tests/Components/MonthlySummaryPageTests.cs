using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components;
using OpsConsole.Web.Components.Pages.Incidents;

namespace OpsConsole.Tests.Components;

/// <summary>
/// /incidents/summary over a real store seeded at known times: the default range, each month's figures as people read
/// them, the empty state, and a range that runs backwards refused on its field.
/// </summary>
public sealed class MonthlySummaryPageTests(PostgresClusterFixture postgres) : ConsoleComponentContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero);
    private StoreSeeds seeds = null!;

    private static DateTimeOffset At(int month, int day, int hour = 9) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    public async ValueTask InitializeAsync()
    {
        seeds = new StoreSeeds(await postgres.CreateStoreAsync("summarypage"));
        Services.AddSingleton(new MonthlySummaryQuery(seeds.Factory));
        Services.AddSingleton(new LiveEvents(TestMetrics.Create()));
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    /// <summary>The page at its address, as a link or a bookmark reaches it (the range is in the query string).</summary>
    private IRenderedComponent<MonthlySummaryPage> Page(string? from = null, string? to = null)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(from is null ? "/incidents/summary" : $"/incidents/summary?from={from}&to={to}");
        return Render<MonthlySummaryPage>(p => p.Add(c => c.ViewerZone, TimeZoneInfo.Utc));
    }

    private static string Cell(IRenderedComponent<MonthlySummaryPage> page, string month, string figure) =>
        page.Find($"[data-testid=monthly-summary-table] tr[data-month='{month}'] [data-testid={figure}]").TextContent.Trim();

    [Fact]
    public async Task ByDefault_TheLastSixMonthsShow_EachWithItsFiguresAsPeopleReadThem()
    {
        var shop = await seeds.TargetAsync("shop", At(1, 1));
        var cause = await seeds.AppliedSettingAsync(shop, "deadlock_timeout", At(3, 2));
        await seeds.AppliedSettingAsync(shop, "work_mem", At(3, 3), rolledBackAt: At(3, 4));
        await seeds.AppliedSettingAsync(shop, "random_page_cost", At(3, 5));
        await seeds.IncidentAsync(At(3, 10), At(3, 10).AddSeconds(250), recoveredAt: At(3, 10).AddMinutes(78), cause: cause);
        await seeds.IncidentAsync(At(3, 20), At(3, 20).AddSeconds(50));

        var page = Page();

        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll("[data-testid=monthly-summary-row]").Count));
        Assert.Equal(["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"],
            page.FindAll("[data-testid=monthly-summary-row]").Select(r => r.GetAttribute("data-month")));
        Assert.Equal("2", Cell(page, "2026-03", "month-incidents"));
        Assert.Equal("2 min 30 s", Cell(page, "2026-03", "month-mttd"));
        Assert.Equal("1 h 18 min", Cell(page, "2026-03", "month-mttr"));
        Assert.Equal("3", Cell(page, "2026-03", "month-changes-applied"));
        Assert.Equal("2", Cell(page, "2026-03", "month-changes-failed"));
        Assert.Equal("66.7 %", Cell(page, "2026-03", "month-change-failure-rate"));
        Assert.Equal(("0", "—", "—", "—"), (Cell(page, "2026-04", "month-incidents"), Cell(page, "2026-04", "month-mttd"),
            Cell(page, "2026-04", "month-mttr"), Cell(page, "2026-04", "month-change-failure-rate")));
        var chart = page.Find("[data-testid=monthly-summary-chart]");
        Assert.Equal("img", chart.GetAttribute("role"));
        Assert.Contains("March 2026: 2 incidents, 2 failed changes", chart.GetAttribute("aria-label"));
        Assert.Empty(page.FindAll("[data-testid=monthly-summary-loading]"));
    }

    [Fact]
    public async Task ARangeWithNoIncidentAndNoChange_ShowsTheEmptyState_NotATableOfZeros()
    {
        var shop = await seeds.TargetAsync("shop", At(1, 1));
        await seeds.AppliedSettingAsync(shop, "deadlock_timeout", At(3, 2));

        var page = Page("2025-06", "2025-08");

        page.WaitForAssertion(() => Assert.Contains("from June 2025 to August 2025", page.Find("[data-testid=monthly-summary-empty]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=monthly-summary-table]"));
        Assert.Empty(page.FindAll("[data-testid=monthly-summary-chart]"));
    }

    [Fact]
    public void ARangeThatRunsBackwards_IsRefusedInWords_AndShowsNoFigures()
    {
        var page = Page("2026-04", "2026-01");

        page.WaitForAssertion(() => Assert.Equal("The last month comes before the first.", page.Find("[data-testid=monthly-summary-error]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=monthly-summary-table]"));
        // Said under the To picker too, the field the refusal names.
        Assert.Contains("The last month comes before the first.", page.Find("[data-testid=monthly-summary-to]").Closest(".mud-input-control")!.TextContent);
    }
}
