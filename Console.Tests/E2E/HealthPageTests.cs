using System.Diagnostics;
using Microsoft.Playwright;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>The Health page in Chromium: live figures pushed over the circuit, failure classes, change markers.</summary>
public sealed class HealthPageTests(TargetFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<TargetFixture>
{
    private async Task<IPage> HealthPageAsync()
    {
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, "viewer", TargetFixture.Password);
        await Expect(page.GetByTestId("live-strip")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Waits (in the page, no round trips) until the "events received" counter reaches <paramref name="count"/>.</summary>
    internal static Task ReceivedAsync(IPage page, long count, float timeoutMs) => page.WaitForFunctionAsync(
        "n => Number(document.querySelector('[data-testid=events-received]')?.dataset.count ?? -1) >= n", count,
        new() { Timeout = timeoutMs, PollingInterval = null });

    [Fact]
    public async Task AnEventPostedToTheApi_ShowsOnTheOpenDashboard_WithoutAReload_AndDatabaseFailuresStandOut()
    {
        var page = await HealthPageAsync();
        using var poster = await CheckoutPoster.CreateAsync(fixture.App);
        var service = $"web-{Guid.NewGuid():N}"[..12];

        // The first event also turns the empty state into figures.
        await poster.PostAsync(CheckoutBatches.Event(service));
        await ReceivedAsync(page, 1, 30_000);
        await Expect(page.GetByTestId("figures-1m")).ToBeVisibleAsync();

        // Pushed, not polled: it must arrive; how fast is the Health live benchmark's figure (scripts/bench.sh).
        var clock = Stopwatch.StartNew();
        await poster.PostAsync(CheckoutBatches.Event(service, outcome: "failed", errorClass: "db_deadlock", latencyMs: 900));
        await ReceivedAsync(page, 2, 30_000);
        output.WriteLine($"Posted event on the open dashboard after {clock.Elapsed.TotalMilliseconds:0} ms");

        await poster.PostAsync(CheckoutBatches.Event(service, outcome: "failed", errorClass: "payment_gateway"));
        var lastMinute = page.GetByTestId("figures-1m");
        // The live minute counts every service (the other test's events too): only our failures are asserted exactly.
        var deadlock = lastMinute.Locator("[data-testid=failure-class][data-class=db_deadlock]");
        await Expect(deadlock).ToHaveAttributeAsync("data-group", "database");
        await Expect(deadlock).ToContainTextAsync("DB deadlock: 1");
        await Expect(lastMinute.Locator("[data-testid=failure-class][data-class=payment_gateway]")).ToHaveAttributeAsync("data-group", "other");
        await Expect(lastMinute.GetByTestId("figures-1m-failures-database")).ToContainTextAsync("Database: 1 of 2 failures");
    }

    [Fact]
    public async Task AChangeAppliedOnATarget_IsMarkedOnTheCharts_WithItsTitle_AndLinksToIt()
    {
        using var poster = await CheckoutPoster.CreateAsync(fixture.App);
        await poster.PostAsync(CheckoutBatches.Event("web-markers"));
        var page = await HealthPageAsync();
        await Expect(page.GetByTestId("health-charts")).ToBeVisibleAsync();

        var title = $"Raise deadlock_timeout {Guid.NewGuid().ToString("N")[..6]}";
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "1500ms", title);

        // Pushed to the open page (no reload): one marker per chart, on the same time axis.
        var markers = page.Locator($"[data-testid=change-marker][data-change='{change.Number}']");
        await Expect(markers).ToHaveCountAsync(4);
        await Expect(markers.First).ToHaveAttributeAsync("data-kind", "applied");
        await Expect(markers.First).ToHaveAttributeAsync("href", $"/changes/{change.Number}");
        await Expect(markers.First.Locator("title")).ToContainTextAsync($"#{change.Number} {title}: applied on shop");

        await page.GetByTestId("chart-success").Locator($"[data-testid=change-marker][data-change='{change.Number}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/changes/{change.Number}$"));
    }
}
