using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class AuditQueryTests(PostgresClusterFixture postgres, ConsoleAppFixture console) : IClassFixture<ConsoleAppFixture>
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Actor Ann = new("u-ann", "ann", [Roles.Admin]);
    private static readonly Actor Bob = new("u-bob", "bob", [Roles.Admin]);

    /// <summary>Six entries over six hours: two actors, three actions, two changes, one refusal.</summary>
    private static async Task<AuditQueries> KnownEntriesAsync(string store)
    {
        await WriteAsync(store, Day.AddHours(1), Ann, "change.registered", "change:7", new { target = "orders-db" });
        await WriteAsync(store, Day.AddHours(2), Bob, "change.approved", "change:7", new { target = "orders-db" });
        await WriteAsync(store, Day.AddHours(3), Ann, "change.registered", "change:8", new { target = "billing-db" });
        await WriteAsync(store, Day.AddHours(4), Bob, "change.applied", "change:8", new { target = "billing-db" }, AuditOutcome.Refused);
        await WriteAsync(store, Day.AddHours(5), Ann, "user.created", "user:carol", new { roles = new[] { "Viewer" } });
        await WriteAsync(store, Day.AddHours(6), Ann, "change.registered", "change:70", new { target = "orders-db" });
        return new AuditQueries(new StoreFactory(store));
    }

    [Fact]
    public async Task EachFilter_SelectsOnlyTheEntriesItDescribes()
    {
        var queries = await KnownEntriesAsync(await postgres.CreateStoreAsync("auditfilter"));

        async Task<long[]> Sequences(AuditFilter filter) =>
            (await queries.ListAsync(filter, 0, 50)).Entries.Select(e => e.Sequence).ToArray();

        Assert.Equal(new long[] { 6, 5, 4, 3, 2, 1 }, await Sequences(AuditFilter.None));
        Assert.Equal(new long[] { 4, 2 }, await Sequences(new AuditFilter(Actor: "BOB")));
        Assert.Equal(new long[] { 6, 3, 1 }, await Sequences(new AuditFilter(Action: "change.registered")));
        Assert.Equal(new long[] { 2, 1 }, await Sequences(new AuditFilter(ChangeNumber: 7)));
        Assert.Equal(new long[] { 4 }, await Sequences(new AuditFilter(Outcome: AuditOutcome.Refused)));
        Assert.Equal(new long[] { 4, 3, 2 }, await Sequences(new AuditFilter(From: Day.AddHours(2), To: Day.AddHours(4))));
        Assert.Equal(new long[] { 4, 3 }, await Sequences(new AuditFilter(Subject: "billing")));
        Assert.Equal(new long[] { 5 }, await Sequences(new AuditFilter(Subject: "user:carol")));
        Assert.Equal(new long[] { 5 }, await Sequences(new AuditFilter(Search: "viewer")));
        Assert.Equal(new long[] { 6, 3, 1 }, await Sequences(new AuditFilter(Actor: "ann", Action: "change.")));
        Assert.Empty(await Sequences(new AuditFilter(Search: "100%_")));
    }

    [Fact]
    public async Task Paging_ReturnsNewestFirst_WithTheTotalOfAllMatches()
    {
        var queries = await KnownEntriesAsync(await postgres.CreateStoreAsync("auditpaging"));
        var filter = new AuditFilter(Action: "change.");

        var first = await queries.ListAsync(filter, 0, 2);
        var third = await queries.ListAsync(filter, 2, 2);
        var beyond = await queries.ListAsync(filter, 3, 2);

        Assert.Equal(5, first.Total);
        Assert.Equal(new long[] { 6, 4 }, first.Entries.Select(e => e.Sequence));
        Assert.Equal(new long[] { 1 }, third.Entries.Select(e => e.Sequence));
        Assert.Empty(beyond.Entries);
        Assert.Equal(5, beyond.Total);
    }

    [Fact]
    public async Task CsvExport_HasTheHeader_AndQuotesCommasQuotesAndNewlines()
    {
        var store = await postgres.CreateStoreAsync("auditcsv");
        await WriteAsync(store, Day, new Actor("u-x", "line one\nline two", []), "test.tricky", "thing:a,b",
            new { note = "commas, \"quotes\" and\nnewlines" });
        await WriteAsync(store, Day.AddMinutes(1), Ann, "test.other", "thing:c", null);
        var queries = new AuditQueries(new StoreFactory(store));
        var stored = await SingleAsync(store, "test.tricky");

        using var output = new MemoryStream();
        var result = await queries.ExportAsync(new AuditFilter(Action: "test.tricky"), AuditExportFormat.Csv, output);

        Assert.Equal(new AuditExportResult(1, 1), result);
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.StartsWith("Sequence,At,Actor,Action,Subject,Outcome,Details,Hash\r\n", text);
        using var csv = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (await csv.ReadAsync())
            rows.Add(Enumerable.Range(0, csv.Parser.Count).Select(i => csv.GetField(i)!).ToArray());
        Assert.Equal(2, rows.Count);
        Assert.Equal([stored.Sequence.ToString(), "2025-03-01T00:00:00.000000Z", "line one\nline two", "test.tricky", "thing:a,b",
            "Succeeded", stored.Details, stored.Hash], rows[1]);
        Assert.Contains("\"\"quotes\\\"\"", text); // JSON's escaped quote, doubled again by CSV
    }

    [Fact]
    public async Task JsonExport_IsAnArrayOfEntries_WithDetailsAsObjects()
    {
        var store = await postgres.CreateStoreAsync("auditjson");
        await WriteAsync(store, Day, Ann, "test.first", "thing:1", new { note = "a \"quoted\", comma" });
        await WriteAsync(store, Day.AddSeconds(1), Bob, "test.second", "thing:2", new { count = 2 }, AuditOutcome.Failed);
        var queries = new AuditQueries(new StoreFactory(store));

        using var output = new MemoryStream();
        var result = await queries.ExportAsync(new AuditFilter(Action: "test."), AuditExportFormat.Json, output);

        Assert.Equal(2, result.Written);
        using var json = JsonDocument.Parse(output.ToArray());
        var entries = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, entries.Length);
        Assert.Equal(1, entries[0].GetProperty("sequence").GetInt64());
        Assert.Equal("2025-03-01T00:00:00.000000Z", entries[0].GetProperty("at").GetString());
        Assert.Equal("ann", entries[0].GetProperty("actor").GetString());
        Assert.Equal("a \"quoted\", comma", entries[0].GetProperty("details").GetProperty("note").GetString());
        Assert.Equal(entries[0].GetProperty("hash").GetString(), entries[1].GetProperty("previousHash").GetString());
        Assert.Equal("Failed", entries[1].GetProperty("outcome").GetString());
        Assert.Equal(2, entries[1].GetProperty("details").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task AnExportOfNothing_IsAHeaderOrAnEmptyArray()
    {
        var queries = new AuditQueries(new StoreFactory(await postgres.CreateStoreAsync("auditnone")));
        var nothing = new AuditFilter(Action: "no.such_action");

        using var csv = new MemoryStream();
        using var json = new MemoryStream();
        await queries.ExportAsync(nothing, AuditExportFormat.Csv, csv);
        await queries.ExportAsync(nothing, AuditExportFormat.Json, json);

        Assert.Equal("Sequence,At,Actor,Action,Subject,Outcome,Details,Hash\r\n", Encoding.UTF8.GetString(csv.ToArray()));
        Assert.Equal("[]", Encoding.UTF8.GetString(json.ToArray()));
    }

    [Fact]
    public async Task TheExportEndpoint_RefusesAnAnonymousCaller()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = console.App.BaseUrl };

        var response = await client.GetAsync("/audit/export?format=csv", TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized
                    || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/account/login")),
            $"Expected a refusal, got {(int)response.StatusCode} {response.Headers.Location}");
        Assert.DoesNotContain("Sequence,At", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static async Task WriteAsync(string store, DateTimeOffset at, Actor actor, string action, string subject, object? details,
        AuditOutcome outcome = AuditOutcome.Succeeded)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        new AuditLog(new FixedTime(at)).Record(db, actor, action, subject, details, outcome);
        await db.SaveChangesAsync();
    }

    private static async Task<AuditEntry> SingleAsync(string store, string action)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        return await db.AuditEntries.SingleAsync(e => e.Action == action);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class StoreFactory(string connectionString) : IDbContextFactory<OpsDbContext>
    {
        public OpsDbContext CreateDbContext() => PostgresClusterFixture.ContextFor(connectionString);
    }
}
