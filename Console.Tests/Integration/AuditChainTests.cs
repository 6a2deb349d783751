using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class AuditChainTests(PostgresClusterFixture postgres)
{
    private static readonly Actor Someone = new("u1", "someone", [Roles.Admin]);

    [Fact]
    public async Task ConcurrentWriters_ProduceAnIntactChain()
    {
        var store = await postgres.CreateStoreAsync("chain");
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => WriteAsync(store, $"test.concurrent_{i}")));

        var result = await ChainOf(store).VerifyAsync();

        Assert.True(result.Intact, result.Message);
        Assert.Equal(20, result.Entries);
        Assert.StartsWith("Intact, 20 entries.", result.Message);
    }

    [Fact]
    public async Task UpdateDeleteAndTruncate_AreRefusedByTheTrigger_EvenForTheTablesOwner()
    {
        var store = await postgres.CreateStoreAsync("appendonly");
        await WriteAsync(store, "test.entry");

        foreach (var sql in new[] { "UPDATE audit_entries SET \"ActorName\" = 'mallory'", "DELETE FROM audit_entries", "TRUNCATE audit_entries" })
        {
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(postgres.AsOwner(store), sql));
            Assert.Contains("append-only", refusal.MessageText);
        }
        Assert.True((await ChainOf(store).VerifyAsync()).Intact);
    }

    [Fact]
    public async Task AnEntryAlteredByASuperuser_IsReportedAsTheFirstBrokenLink()
    {
        var store = await postgres.CreateStoreAsync("tamper");
        for (var i = 1; i <= 5; i++)
            await WriteAsync(store, $"test.entry_{i}");

        await ExecuteAsync(postgres.AsSuperuser(store), """
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            UPDATE audit_entries SET "ActorName" = 'mallory' WHERE "Sequence" = 3;
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            """);
        var result = await ChainOf(store).VerifyAsync();

        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Equal("Broken at entry 3: its content or link does not match its hash.", result.Message);
    }

    [Fact]
    public async Task ADeletedEntry_IsReportedWhereTheGapIs()
    {
        var store = await postgres.CreateStoreAsync("gap");
        for (var i = 1; i <= 4; i++)
            await WriteAsync(store, $"test.entry_{i}");

        await ExecuteAsync(postgres.AsSuperuser(store), """
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            DELETE FROM audit_entries WHERE "Sequence" = 2;
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            """);

        Assert.Equal(2, (await ChainOf(store).VerifyAsync()).FirstBrokenSequence);
    }

    [Fact]
    public async Task TwoEntriesSwapped_AreReportedAtTheFirstOfThem()
    {
        var store = await postgres.CreateStoreAsync("reorder");
        for (var i = 1; i <= 5; i++)
            await WriteAsync(store, $"test.entry_{i}");

        await ExecuteAsync(postgres.AsSuperuser(store), """
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            UPDATE audit_entries SET "Sequence" = -2 WHERE "Sequence" = 2;
            UPDATE audit_entries SET "Sequence" = 2 WHERE "Sequence" = 3;
            UPDATE audit_entries SET "Sequence" = 3 WHERE "Sequence" = -2;
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            """);
        var result = await ChainOf(store).VerifyAsync();

        Assert.Equal(2, result.FirstBrokenSequence);
        Assert.Equal("Broken at entry 2: its content or link does not match its hash.", result.Message);
    }

    // Thousands of entries, as the verifier reads them in a stream: the first break is named, once, and a later one is not.
    private const int Stretch = 4_096;

    [Theory]
    [InlineData(Stretch, "UPDATE audit_entries SET \"Details\" = '{{\"i\": 1}}' WHERE \"Sequence\" = {0}",
        "Broken at entry {0}: its content or link does not match its hash.")]
    [InlineData(Stretch + 1, "UPDATE audit_entries SET \"Subject\" = 'user:mallory' WHERE \"Sequence\" = {0}",
        "Broken at entry {0}: its content or link does not match its hash.")]
    [InlineData(2 * Stretch + 1, "DELETE FROM audit_entries WHERE \"Sequence\" = {0}",
        "Broken at entry {0}: it is missing (the next entry is {1}).")]
    public async Task ABreakDeepInALongChain_IsTheFirstBrokenLink(int at, string tamper, string message)
    {
        var store = await postgres.CreateStoreAsync($"deepbreak{at}");
        await AuditChainSeed.AppendAsync(postgres.AsOwner(store), 3 * Stretch, TestContext.Current.CancellationToken);
        // A second break further on follows from the first and is not named.
        await ExecuteAsync(postgres.AsSuperuser(store), $"""
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            {string.Format(tamper, at)};
            UPDATE audit_entries SET "ActorName" = 'mallory' WHERE "Sequence" = {at + 100};
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            """);

        var result = await ChainOf(store).VerifyAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Intact);
        Assert.Equal(at, result.FirstBrokenSequence);
        Assert.Equal(string.Format(message, at, at + 1), Assert.Single(result.Problems));
        Assert.Equal(3 * Stretch - (tamper.StartsWith("DELETE") ? 1 : 0), result.Entries);
    }

    [Fact]
    public async Task EntriesWrittenBeforeTheChainMigration_AreChainedByIt()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync("backfill");
        await using (var db = PostgresClusterFixture.ContextFor(connectionString))
        {
            var migrator = db.GetService<IMigrator>();
            var before = db.Database.GetMigrations().TakeWhile(m => !m.EndsWith("_AuditHashChain")).Last();
            await migrator.MigrateAsync(before);
            await ExecuteAsync(connectionString, """
                INSERT INTO audit_entries ("At", "ActorId", "ActorName", "Action", "Subject", "Outcome", "Details")
                VALUES (now(), 'system', 'system', 'user.created', 'user:admin', 'Succeeded', '{"roles": ["Admin"]}'),
                       (now(), 'u1', 'ann', 'user.roles_changed', 'user:bob', 'Succeeded', '{}');
                """);
            await migrator.MigrateAsync();
        }
        await WriteAsync(connectionString, "test.after_migration");

        var result = await ChainOf(connectionString).VerifyAsync();

        Assert.True(result.Intact, result.Message);
        Assert.Equal(3, result.Entries);
    }

    [Fact]
    public async Task Verify_ReportsProgressFromZeroToTheEntryCount_InOrder()
    {
        var store = await postgres.CreateStoreAsync("chainprogress");
        await WriteAsync(store, "test.before_the_seed");
        await AuditChainSeed.AppendAsync(postgres.AsOwner(store), 3 * AuditChain.ProgressEvery + 5, TestContext.Current.CancellationToken);
        await WriteAsync(store, "test.after_the_seed");
        var reports = new List<ChainProgress>();

        var result = await ChainOf(store).VerifyAsync(new InlineProgress<ChainProgress>(reports.Add), TestContext.Current.CancellationToken);

        var total = 3 * AuditChain.ProgressEvery + 7;
        Assert.True(result.Intact, result.Message);
        Assert.Equal(total, result.Entries);
        Assert.Equal(
            [new(0, total), new(AuditChain.ProgressEvery, total), new(2 * AuditChain.ProgressEvery, total), new(3 * AuditChain.ProgressEvery, total), new(total, total)],
            reports);
    }

    [Fact]
    public async Task Verify_CancelledHalfWay_StopsWithoutAResult()
    {
        var store = await postgres.CreateStoreAsync("chaincancel");
        await AuditChainSeed.AppendAsync(postgres.AsOwner(store), 3 * AuditChain.ProgressEvery, TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var reports = new List<ChainProgress>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChainOf(store).VerifyAsync(new InlineProgress<ChainProgress>(p =>
        {
            reports.Add(p);
            if (p.Verified >= AuditChain.ProgressEvery)
                cancel.Cancel();
        }), cancel.Token));

        Assert.Equal(AuditChain.ProgressEvery, reports[^1].Verified);
    }

    private static AuditChain ChainOf(string connectionString) => new(new StoreFactory(connectionString), AuditCheckpointTests.Signer());

    private static async Task WriteAsync(string connectionString, string action)
    {
        await using var db = PostgresClusterFixture.ContextFor(connectionString);
        new AuditLog(TimeProvider.System).Record(db, Someone, action, "test:1", new { note = "ünïcode ✓", quote = "it's" });
        await db.SaveChangesAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    private sealed class StoreFactory(string connectionString) : IDbContextFactory<OpsConsole.Domain.Data.OpsDbContext>
    {
        public OpsConsole.Domain.Data.OpsDbContext CreateDbContext() => PostgresClusterFixture.ContextFor(connectionString);
    }
}
