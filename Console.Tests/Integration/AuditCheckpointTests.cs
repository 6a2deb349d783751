using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Signed checkpoints of the chain head: a superuser who deletes the newest entries (and even rewinds the head) is
/// named by "Verify chain", and so is a checkpoint altered behind the console's back.
/// </summary>
public sealed class AuditCheckpointTests(PostgresClusterFixture postgres)
{
    public const string Key = "test-audit-checkpoint-key-0123456789abcdef";
    private static readonly Actor Someone = new("u1", "someone", [Roles.Admin]);

    public static AuditCheckpointSigner Signer(string key = Key) => new(Options.Create(new AuditOptions { CheckpointKey = key }));

    [Fact]
    public async Task ACheckpoint_SignsTheHead_IsLogged_AndIsNotRepeatedWhileNothingChanges()
    {
        var store = await postgres.CreateStoreAsync("cpwrite");
        await WriteAsync(store, 3);
        var log = new ListLogger();
        var writer = WriterOf(store, log);

        var first = await writer.WriteAsync(TestContext.Current.CancellationToken);
        var again = await writer.WriteAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(first);
        Assert.Null(again);
        await using var db = PostgresClusterFixture.ContextFor(store);
        var stored = await db.AuditCheckpoints.SingleAsync(TestContext.Current.CancellationToken);
        var last = await db.AuditEntries.OrderByDescending(e => e.Sequence).FirstAsync(TestContext.Current.CancellationToken);
        Assert.Equal((3L, last.Hash, first.Signature), (stored.Sequence, stored.Hash, stored.Signature));
        Assert.True(Signer().Verifies(stored));
        Assert.False(Signer("another-key-of-at-least-32-characters!!").Verifies(stored));
        var logged = Assert.Single(log.Entries);
        Assert.Equal((3L, last.Hash, first.Signature), ((long)logged["AuditSequence"]!, (string)logged["AuditHash"]!, (string)logged["CheckpointSignature"]!));
    }

    [Fact]
    public async Task ARunningConsole_CheckpointsNewEntriesEveryInterval_IntoTheStoreAndTheLogFile_WithoutTheKey()
    {
        var store = await postgres.CreateStoreAsync("cprunning");
        await using var app = new ConsoleApp(store, new Dictionary<string, string?>
        {
            ["Audit:CheckpointInterval"] = "00:00:01",
            ["Serilog:MinimumLevel:Default"] = "Information",
        });
        _ = app.BaseUrl;
        await WriteAsync(store, 2);
        long head;
        await using (var db = PostgresClusterFixture.ContextFor(store))
            head = await db.AuditEntries.MaxAsync(e => e.Sequence, TestContext.Current.CancellationToken);

        // At or past the entries written here: the console may audit something of its own (its start-up work, late on a
        // loaded machine) before the first tick, and a tick checkpoints the head as it then is.
        var checkpoint = await Poll.UntilAsync(async () =>
        {
            await using var db = PostgresClusterFixture.ContextFor(store);
            return await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).FirstOrDefaultAsync(c => c.Sequence >= head);
        }, c => c is not null, TimeSpan.FromSeconds(30), $"a checkpoint at entry {head} or later");
        var logged = await Poll.UntilAsync(() => ReadLogsAsync(app.LogFolder), text => text.Contains(checkpoint!.Signature),
            TimeSpan.FromSeconds(30), "the checkpoint in the log file");

        await using (var db = PostgresClusterFixture.ContextFor(store))
            Assert.Equal((await db.AuditEntries.SingleAsync(e => e.Sequence == checkpoint!.Sequence, TestContext.Current.CancellationToken)).Hash,
                checkpoint!.Hash);
        Assert.True(Signer(ConsoleApp.CheckpointKey).Verifies(checkpoint));
        Assert.Contains($"\"AuditSequence\":{checkpoint.Sequence},\"AuditHash\":\"{checkpoint.Hash}\"", logged);
        Assert.DoesNotContain(ConsoleApp.CheckpointKey, logged);
    }

    [Fact]
    public async Task AStoppingConsole_CheckpointsWhatWasWrittenSinceItsLastCheckpoint()
    {
        var store = await postgres.CreateStoreAsync("cpstop");
        await using (var app = new ConsoleApp(store, new Dictionary<string, string?> { ["Audit:CheckpointInterval"] = "01:00:00" }))
        {
            _ = app.BaseUrl;
            await WriteAsync(store, 3);
        }

        await using var db = PostgresClusterFixture.ContextFor(store);
        var head = await db.AuditEntries.MaxAsync(e => e.Sequence, TestContext.Current.CancellationToken);
        Assert.Equal(head, await db.AuditCheckpoints.MaxAsync(c => c.Sequence, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TwoWritersOnOneHead_WriteOneCheckpoint()
    {
        var store = await postgres.CreateStoreAsync("cptwo");
        await WriteAsync(store, 2);

        var written = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WriterOf(store).WriteAsync(TestContext.Current.CancellationToken)));

        Assert.Single(written, w => w is not null);
        Assert.Equal(1, await CountCheckpointsAsync(store));
        Assert.True((await ChainOf(store).VerifyAsync(TestContext.Current.CancellationToken)).Intact);
    }

    [Fact]
    public async Task AnUntouchedLog_VerifiesAgainstTheHeadAndTheCheckpoints()
    {
        var store = await postgres.CreateStoreAsync("cpintact");
        await WriteAsync(store, 3);
        await WriterOf(store).WriteAsync(TestContext.Current.CancellationToken);
        await WriteAsync(store, 2);
        await WriterOf(store).WriteAsync(TestContext.Current.CancellationToken);

        var result = await ChainOf(store).VerifyAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Intact, result.Message);
        Assert.Equal((5L, 2, true), (result.Entries, result.Checkpoints, result.TailChecked));
        Assert.StartsWith("Intact, 5 entries. The chain head and the checkpoints agree (the newest at entry 5, written ", result.Message);
    }

    [Fact]
    public async Task NewestEntriesDeletedByASuperuser_WhoAlsoRewindsTheHead_AreNamedAsAGap()
    {
        var store = await postgres.CreateStoreAsync("cpgap");
        await WriteAsync(store, 45);
        var checkpoint = (await WriterOf(store).WriteAsync(TestContext.Current.CancellationToken))!;

        await AsSuperuserAsync(store, """
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            DELETE FROM audit_entries WHERE "Sequence" > 40;
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            UPDATE audit_chain_head SET last_sequence = 40, last_hash = (SELECT "Hash" FROM audit_entries WHERE "Sequence" = 40);
            """);
        var result = await ChainOf(store).VerifyAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Intact);
        Assert.Equal(41, result.FirstBrokenSequence);
        Assert.Equal($"Entries 41 to 45 are missing: the checkpoint at 45 (written {checkpoint.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) saw them.",
            Assert.Single(result.Problems));
    }

    [Fact]
    public async Task NewestEntriesDeleted_WithTheHeadLeftAlone_AreNamedByTheHead_EvenWithoutACheckpoint()
    {
        var store = await postgres.CreateStoreAsync("cphead");
        await WriteAsync(store, 6);

        await AsSuperuserAsync(store, """
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            DELETE FROM audit_entries WHERE "Sequence" = 6;
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            """);
        var result = await ChainOf(store).VerifyAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Intact);
        Assert.Equal("Entry 6 is missing: the chain head is at 6.", result.Message);
    }

    [Fact]
    public async Task AHistoryRewrittenAfterACheckpoint_DiffersFromIt()
    {
        var store = await postgres.CreateStoreAsync("cprewrite");
        await WriteAsync(store, 5);
        await WriterOf(store).WriteAsync(TestContext.Current.CancellationToken);

        // Delete the newest two and rewind the head: the trigger then chains new entries at the same numbers.
        await AsSuperuserAsync(store, """
            ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only;
            DELETE FROM audit_entries WHERE "Sequence" > 3;
            ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;
            UPDATE audit_chain_head SET last_sequence = 3, last_hash = (SELECT "Hash" FROM audit_entries WHERE "Sequence" = 3);
            """);
        await WriteAsync(store, 2);
        var result = await ChainOf(store).VerifyAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Intact);
        Assert.Equal(5, result.FirstBrokenSequence);
        Assert.StartsWith("Entry 5 differs from the checkpoint at 5 (written ", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task ACheckpointAlteredByASuperuser_IsNamed_AndNoLongerVouchesForTheTail()
    {
        var store = await postgres.CreateStoreAsync("cpforged");
        await WriteAsync(store, 4);
        var checkpoint = (await WriterOf(store).WriteAsync(TestContext.Current.CancellationToken))!;

        // Moving the checkpoint back to hide deleted entries breaks its signature.
        await AsSuperuserAsync(store, """
            ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only;
            UPDATE audit_checkpoints SET "Sequence" = 2, "Hash" = (SELECT "Hash" FROM audit_entries WHERE "Sequence" = 2);
            ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_append_only;
            """);
        var result = await ChainOf(store).VerifyAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Intact);
        Assert.Equal(
            $"1 checkpoint fails the signature check (altered, or written without the key): the one at entry 2 (written {checkpoint.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z).",
            Assert.Single(result.Problems));
        Assert.Equal(0, result.Checkpoints);
    }

    [Fact]
    public async Task Checkpoints_CannotBeUpdatedDeletedOrTruncated_WhileTheirTriggerIsOn()
    {
        var store = await postgres.CreateStoreAsync("cpappend");
        await WriteAsync(store, 1);
        await WriterOf(store).WriteAsync(TestContext.Current.CancellationToken);

        foreach (var sql in new[] { "UPDATE audit_checkpoints SET \"Sequence\" = 9", "DELETE FROM audit_checkpoints", "TRUNCATE audit_checkpoints" })
        {
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => AsSuperuserAsync(store, sql));
            Assert.Contains("append-only", refusal.MessageText);
        }
        Assert.Equal(1, await CountCheckpointsAsync(store));
    }

    [Fact]
    public async Task WithoutAKey_NothingIsCheckpointed_AndVerifySaysTailChecksAreOff()
    {
        var store = await postgres.CreateStoreAsync("cpnokey");
        await WriteAsync(store, 2);
        var unsigned = Signer("");

        var written = await new AuditCheckpointWriter(new StoreFactory(store), unsigned, Options.Create(new AuditOptions()), TimeProvider.System, new ListLogger())
            .WriteAsync(TestContext.Current.CancellationToken);
        var result = await new AuditChain(new StoreFactory(store), unsigned).VerifyAsync(TestContext.Current.CancellationToken);

        Assert.Null(written);
        Assert.Equal(0, await CountCheckpointsAsync(store));
        Assert.True(result.Intact);
        Assert.False(result.TailChecked);
        Assert.Contains("Tail checkpoints are off (no Audit:CheckpointKey)", result.Message);
    }

    private static async Task<string> ReadLogsAsync(string folder)
    {
        var texts = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            texts.Add(await new StreamReader(stream).ReadToEndAsync());
        }
        return string.Join('\n', texts);
    }

    private static AuditChain ChainOf(string store) => new(new StoreFactory(store), Signer());

    private static AuditCheckpointWriter WriterOf(string store, ILogger<AuditCheckpointWriter>? log = null) =>
        new(new StoreFactory(store), Signer(), Options.Create(new AuditOptions { CheckpointKey = Key }), TimeProvider.System, log ?? new ListLogger());

    private static async Task WriteAsync(string store, int count)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        var audit = new AuditLog(TimeProvider.System);
        for (var i = 0; i < count; i++)
            audit.Record(db, Someone, "test.entry", $"test:{i}");
        await db.SaveChangesAsync();
    }

    private static async Task<int> CountCheckpointsAsync(string store)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        return await db.AuditCheckpoints.CountAsync();
    }

    /// <summary>The test cluster's connection is its superuser: what an insider with the keys to the database can do.</summary>
    /// <summary>The store's superuser: the insider the checks are for (the console's runtime role has no such rights at all).</summary>
    private async Task AsSuperuserAsync(string store, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.AsSuperuser(store));
        await connection.OpenAsync();
        await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
    }

    private sealed class StoreFactory(string connectionString) : IDbContextFactory<OpsDbContext>
    {
        public OpsDbContext CreateDbContext() => PostgresClusterFixture.ContextFor(connectionString);
    }

    /// <summary>Keeps the structured properties of each information entry, as a log sink would.</summary>
    private sealed class ListLogger : ILogger<AuditCheckpointWriter>
    {
        public List<Dictionary<string, object?>> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Information && state is IEnumerable<KeyValuePair<string, object?>> properties)
                lock (Entries)
                    Entries.Add(properties.ToDictionary(p => p.Key, p => p.Value));
        }
    }
}
