using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class AuditPageTests(ConsoleAppFixture fixture, BrowserFixture browser, PostgresClusterFixture postgres) : IClassFixture<ConsoleAppFixture>
{
    private static readonly Actor Tester = new("u-tester", "tester", [Roles.Admin]);

    private async Task<IPage> AuditPageAsync(ConsoleApp app)
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin", ConsoleApp.AdminPassword, "/audit");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task FilterByActionAsync(IPage page, string action, int expectedRows)
    {
        await page.GetByLabel("Action", new() { Exact = true }).FillAsync(action);
        await Expect(page.GetByTestId("audit-action")).ToHaveTextAsync(Enumerable.Repeat(action, expectedRows).ToArray());
    }

    [Fact]
    public async Task Admin_FiltersByAction_AndSeesOnlyMatchingRows()
    {
        await WriteAsync(fixture.ConnectionString, "test.filter_kept", "test.filter_other", "test.filter_kept", "test.filter_kept");
        var page = await AuditPageAsync(fixture.App);

        await FilterByActionAsync(page, "test.filter_kept", 3);

        await page.GetByLabel("Action", new() { Exact = true }).FillAsync("test.filter_nothing");
        await Expect(page.GetByTestId("audit-empty")).ToContainTextAsync("No audit entries match");
    }

    [Fact]
    public async Task VerifyChain_OnAnUntouchedLog_SaysIntactWithTheNumberOfEntries()
    {
        await WriteAsync(fixture.ConnectionString, "test.verify_1", "test.verify_2");
        await fixture.App.Service<AuditCheckpointWriter>().WriteAsync(TestContext.Current.CancellationToken);
        var page = await AuditPageAsync(fixture.App);
        var entries = await CountAsync(fixture.ConnectionString);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" }).ClickAsync();

        await Expect(page.GetByTestId("chain-result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(
            $@"^Intact, {entries} entries\. The chain head and the checkpoints agree \(the newest at entry \d+, written .+\)\.$"));
        await Expect(page.GetByTestId("chain-result")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-alert-.*success"));
    }

    [Fact]
    public async Task VerifyChain_AfterASuperuserAltersAnEntry_NamesThatEntry()
    {
        // Its own store: a broken chain would fail every other test that verifies the shared one.
        var store = await postgres.CreateStoreAsync("audittamper");
        await using var app = new ConsoleApp(store);
        _ = app.BaseUrl;
        await WriteAsync(store, "test.tamper_1", "test.tamper_2", "test.tamper_3", "test.tamper_4");
        var victim = await SequenceOfAsync(store, "test.tamper_3");
        await ExecuteAsync(postgres.AsSuperuser(store), $"""
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            UPDATE audit_entries SET "ActorName" = 'mallory' WHERE "Sequence" = {victim};
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            """);
        var page = await AuditPageAsync(app);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" }).ClickAsync();

        var result = page.GetByTestId("chain-result");
        await Expect(result).ToHaveTextAsync($"Broken at entry {victim}: its content or link does not match its hash.");
        await Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-alert-.*error"));
    }

    [Fact]
    public async Task VerifyChain_AfterASuperuserDeletesTheNewestEntriesAndRewindsTheHead_NamesTheGap()
    {
        // Its own store: a broken chain would fail every other test that verifies the shared one.
        var store = await postgres.CreateStoreAsync("auditgap");
        await using var app = new ConsoleApp(store);
        // Signed in first: whatever signing in records comes before the entries deleted below.
        var page = await AuditPageAsync(app);
        await WriteAsync(store, "test.gap_1", "test.gap_2", "test.gap_3", "test.gap_4", "test.gap_5");
        var checkpoint = await app.Service<AuditCheckpointWriter>().WriteAsync(TestContext.Current.CancellationToken);
        var last = await SequenceOfAsync(store, "test.gap_5");
        Assert.Equal(last, checkpoint!.Sequence);
        await ExecuteAsync(postgres.AsSuperuser(store), $"""
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            DELETE FROM audit_entries WHERE "Sequence" > {last - 2};
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            UPDATE audit_chain_head SET last_sequence = {last - 2}, last_hash = (SELECT "Hash" FROM audit_entries WHERE "Sequence" = {last - 2});
            """);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" }).ClickAsync();

        var result = page.GetByTestId("chain-result");
        await Expect(result).ToHaveTextAsync(
            $"Entries {last - 1} to {last} are missing: the checkpoint at {last} (written {checkpoint.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) saw them.");
        await Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-alert-.*error"));
    }

    [Fact]
    public async Task VerifyChain_OnALongLog_ShowsAProgressBarThatEndsFullWithTheCount()
    {
        // Its own store: fifty thousand entries would slow every other test that verifies the shared one.
        var store = await postgres.CreateStoreAsync("auditprogress");
        await using var app = new ConsoleApp(store);
        var page = await AuditPageAsync(app);
        await AuditChainSeed.AppendAsync(postgres.AsOwner(store), 5 * AuditChain.ProgressEvery, TestContext.Current.CancellationToken);
        var entries = await CountAsync(store);

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify chain" }).ClickAsync();

        await Expect(page.GetByTestId("chain-result")).ToContainTextAsync($"Intact, {entries} entries.");
        var bar = page.GetByRole(AriaRole.Progressbar, new() { Name = "Verifying the hash chain" });
        await Expect(bar).ToHaveAttributeAsync("aria-valuenow", "100");
        await Expect(page.GetByTestId("chain-progress-count")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex($@"^{entries.ToString("N0", CultureInfo.CurrentCulture)} entries verified in \d+\.\d s$"));
        await Expect(page.GetByTestId("chain-cancel")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ExportCsv_DownloadsTheFilteredEntries()
    {
        await WriteAsync(fixture.ConnectionString, "test.export_kept", "test.export_other", "test.export_kept");
        var page = await AuditPageAsync(fixture.App);
        await FilterByActionAsync(page, "test.export_kept", 2);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());

        Assert.EndsWith(".csv", download.SuggestedFilename);
        using var csv = new CsvReader(new StreamReader(await download.PathAsync()), CultureInfo.InvariantCulture);
        var rows = new List<(string Action, string Details)>();
        await csv.ReadAsync();
        csv.ReadHeader();
        Assert.Equal(AuditExportWriter.CsvColumns, csv.HeaderRecord);
        while (await csv.ReadAsync())
            rows.Add((csv.GetField("Action")!, csv.GetField("Details")!));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal("test.export_kept", row.Action));
        Assert.All(rows, row => Assert.Contains("\"note\": \"a, \\\"b\\\"\"", row.Details));

        // Who exported what, and how: on record before the file was written.
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var exports = await db.AuditEntries.Where(e => e.Action == AuditExports.Action && e.ActorName == "admin").ToListAsync(TestContext.Current.CancellationToken);
        var export = Assert.Single(exports, e => e.Details.Contains("test.export_kept"));
        Assert.Equal(AuditExports.Subject, export.Subject);
        Assert.Contains("\"format\": \"csv\"", export.Details);
    }

    private static async Task WriteAsync(string store, params string[] actions)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        var audit = new AuditLog(TimeProvider.System);
        foreach (var action in actions)
            audit.Record(db, Tester, action, "test:1", new { note = "a, \"b\"" });
        await db.SaveChangesAsync();
    }

    private static async Task<long> CountAsync(string store)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        return await db.AuditEntries.LongCountAsync();
    }

    private static async Task<long> SequenceOfAsync(string store, string action)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        return await db.AuditEntries.Where(e => e.Action == action).Select(e => e.Sequence).SingleAsync();
    }

    private static async Task ExecuteAsync(string store, string sql)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }
}
