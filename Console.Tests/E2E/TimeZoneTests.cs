using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>A viewer in New York reads times in their zone with its offset, types them in it, and can switch to UTC.</summary>
public sealed class TimeZoneTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private const string NewYork = "America/New_York";
    private static readonly DateTimeOffset Morning = new(2026, 1, 15, 13, 0, 0, TimeSpan.Zero); // 08:00 in New York
    private static readonly DateTimeOffset Afternoon = new(2026, 1, 15, 15, 0, 0, TimeSpan.Zero); // 10:00 in New York

    [Fact]
    public async Task AViewerInNewYork_SeesAndFiltersAuditTimesInTheirZone_ThenSwitchesToUtc_WhileTheExportStaysUtc()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.App.CreateUserAsync("tz-viewer", "Tz-viewer-password-1", Roles.Admin);
        await WriteAtAsync(Morning, "test.tz_morning");
        await WriteAtAsync(Afternoon, "test.tz_afternoon");
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, "tz-viewer", "Tz-viewer-password-1", "/audit", NewYork);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail" })).ToBeVisibleAsync();

        // 07:30–08:30 typed in New York is 12:30–13:30 UTC: the morning entry only (read as UTC, it would be neither).
        await FilterAsync(page, new Regex(@"^From \(America/New_York, UTC-0[45]:00\)$"), "2026-01-15T07:30",
            new Regex(@"^To \(America/New_York, UTC-0[45]:00\)$"), "2026-01-15T08:30");
        await Expect(page.GetByTestId("audit-action")).ToHaveTextAsync(["test.tz_morning"]);
        await Expect(page.GetByTestId("audit-when")).ToHaveTextAsync(["2026-01-15 08:00:00 UTC-05:00"]);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        using (var csv = new CsvReader(new StreamReader(await download.PathAsync()), CultureInfo.InvariantCulture))
        {
            await csv.ReadAsync();
            csv.ReadHeader();
            Assert.True(await csv.ReadAsync());
            Assert.Equal(("test.tz_morning", "2026-01-15T13:00:00.000000Z"), (csv.GetField("Action"), csv.GetField("At")));
            Assert.False(await csv.ReadAsync());
        }

        await page.GotoAsync("/account/preferences");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("time-zone-sample")).ToContainTextAsync(new Regex(@"UTC-0[45]:00"));
        // A click, not CheckAsync: MudRadio prevents the browser's own check, so the radio turns checked only when the
        // circuit's render comes back, and CheckAsync reads the state at once (it failed so on a loaded machine).
        var utc = page.GetByRole(AriaRole.Radio, new() { Name = "UTC", Exact = true });
        await utc.ClickAsync();
        await Expect(utc).ToBeCheckedAsync();
        // Applied at once, through the cascade: no reload.
        await Expect(page.GetByTestId("time-zone-sample")).ToContainTextAsync("UTC+00:00");

        // Stored on the account: a fresh page load reads it, and the typed times are UTC now.
        await page.GotoAsync("/audit");
        await page.WaitForInteractiveAsync();
        await FilterAsync(page, new Regex(@"^From \(UTC\)$"), "2026-01-15T14:30", new Regex(@"^To \(UTC\)$"), "2026-01-15T15:30");
        await Expect(page.GetByTestId("audit-action")).ToHaveTextAsync(["test.tz_afternoon"]);
        await Expect(page.GetByTestId("audit-when")).ToHaveTextAsync(["2026-01-15 15:00:00 UTC+00:00"]);

        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var user = await db.Users.SingleAsync(u => u.UserName == "tz-viewer", ct);
        Assert.Equal(TimeZonePreference.Utc, user.TimeZonePreference);
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == AccountPreferences.TimeZoneAction && e.ActorName == "tz-viewer", ct);
        Assert.Equal("user:tz-viewer", entry.Subject);
        Assert.Contains("\"to\": \"Utc\"", entry.Details);
    }

    private static async Task FilterAsync(IPage page, Regex fromLabel, string from, Regex toLabel, string to)
    {
        await page.GetByLabel(fromLabel).FillAsync(from);
        await page.GetByLabel(toLabel).FillAsync(to);
    }

    private async Task WriteAtAsync(DateTimeOffset at, string action)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        new AuditLog(new FakeTimeProvider(at)).Record(db, new Actor("u-tz", "tz-test", [Roles.Admin]), action, "test:tz");
        await db.SaveChangesAsync();
    }
}
