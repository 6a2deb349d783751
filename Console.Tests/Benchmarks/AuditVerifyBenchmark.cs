using System.Diagnostics;
using Npgsql;
using OpsConsole.Domain.Audit;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// "Verify chain" on OPS_BENCH_AUDIT_ENTRIES (default 1,000,000) chained audit entries: the whole verification as the Audit
/// page runs it (entries read in chain order, every hash recomputed, head and checkpoints checked), goal at most 10 s.
/// The entries are hashed in the test and written by COPY as the store's owner (<see cref="AuditChainSeed"/>), then analyzed
/// and checkpointed, as a store that has held them for a while would be. Beside it, an export of the most an export holds
/// (<see cref="AuditQueries.MaxExportRows"/>) as CSV: its time, its size, and the managed heap it keeps alive while it
/// streams (live heap sampled after a full collection every megabyte written), which must not grow with the rows. The store's
/// share of the verification is timed too: the same query read through with nothing hashed.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class AuditVerifyBenchmark(PostgresClusterFixture postgres, ITestOutputHelper output)
{
    [Benchmark]
    public async Task VerifyAMillionEntries_AndExportWithConstantMemory()
    {
        var ct = TestContext.Current.CancellationToken;
        var entries = int.TryParse(Environment.GetEnvironmentVariable("OPS_BENCH_AUDIT_ENTRIES"), out var n) && n > 0 ? n : 1_000_000;
        var store = await postgres.CreateStoreAsync("auditverify-bench");

        var load = Stopwatch.StartNew();
        await AuditChainSeed.AppendAsync(postgres.AsOwner(store), entries, ct);
        var loadTime = load.Elapsed;
        await AuditStores.SettleAsync(store, ct);
        var chain = AuditStores.ChainOf(store);

        var progressReports = 0;
        var verify = Stopwatch.StartNew();
        var result = await chain.VerifyAsync(new InlineProgress<ChainProgress>(_ => progressReports++), ct);
        var verifyTime = verify.Elapsed;
        Assert.True(result.Intact, result.Message);
        Assert.Equal(entries, result.Entries);

        // The store's share: the same rows streamed and read, nothing hashed.
        var read = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(store))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(AuditChain.EntriesInChainOrder, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                for (var column = 1; column < reader.FieldCount; column++)
                    _ = reader.GetString(column);
        }
        var readTime = read.Elapsed;

        var export = await AuditStores.MeasureExportAsync(AuditStores.QueriesOf(store), AuditExportFormat.Csv, ct);

        var figures = new
        {
            entries,
            loadSeconds = Math.Round(loadTime.TotalSeconds, 1),
            verifySeconds = Math.Round(verifyTime.TotalSeconds, 2),
            entriesPerSecond = Math.Round(entries / verifyTime.TotalSeconds),
            progressReports,
            readOnlySeconds = Math.Round(readTime.TotalSeconds, 2),
            exportRows = export.Rows,
            exportSeconds = Math.Round(export.Elapsed.TotalSeconds, 2),
            exportMegabytes = Math.Round(export.Bytes / 1048576.0, 1),
            exportLiveHeapGrowthKb = Math.Round(export.LiveHeapGrowthBytes / 1024.0),
            exportLiveHeapFirstToLastKb = Math.Round(export.LiveHeapFirstToLastBytes / 1024.0),
        };
        BenchmarkFigures.Report(output, "audit-verify.json", figures);
        Assert.Equal(Math.Min(entries, AuditQueries.MaxExportRows), export.Rows);
    }
}
