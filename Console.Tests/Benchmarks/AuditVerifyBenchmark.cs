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
/// share of the verification is timed too: the same binary COPY read through with nothing parsed or hashed. Beside the
/// verification, alternating with it, the read it replaced (<see cref="PreviousChainRead"/>): both medians and spreads.
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

        // New and previous reads alternate, OPS_BENCH_AUDIT_PAIRS times (default 3), so that a loaded machine weighs on both alike.
        var pairs = int.TryParse(Environment.GetEnvironmentVariable("OPS_BENCH_AUDIT_PAIRS"), out var p) && p > 0 ? p : 3;
        var (verifyTimes, previousTimes) = (new List<double>(), new List<double>());
        var progressReports = 0;
        for (var pair = 0; pair < pairs; pair++)
        {
            progressReports = 0;
            var verify = Stopwatch.StartNew();
            var result = await chain.VerifyAsync(new InlineProgress<ChainProgress>(_ => progressReports++), ct);
            verifyTimes.Add(verify.Elapsed.TotalSeconds);
            Assert.True(result.Intact, result.Message);
            Assert.Equal(entries, result.Entries);

            var previous = Stopwatch.StartNew();
            var (previousEntries, previousBroken) = await PreviousChainRead.VerifyLinksAsync(store, ct);
            previousTimes.Add(previous.Elapsed.TotalSeconds);
            Assert.Equal((entries, (long?)null), (previousEntries, previousBroken));
        }
        verifyTimes.Sort();
        previousTimes.Sort();

        // The store's share: the binary COPY the verification reads, streamed to its end, nothing parsed or hashed.
        var read = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(store))
        {
            await connection.OpenAsync(ct);
            await using var copy = await connection.BeginRawBinaryCopyAsync(ChainCopyReader.Query, ct);
            var buffer = new byte[64 * 1024];
            while (await copy.ReadAsync(buffer, ct) > 0) { }
        }
        var readTime = read.Elapsed;

        var export = await AuditStores.MeasureExportAsync(AuditStores.QueriesOf(store), AuditExportFormat.Csv, ct);

        var figures = new
        {
            entries,
            loadSeconds = Math.Round(loadTime.TotalSeconds, 1),
            pairs,
            verifySeconds = Math.Round(Median(verifyTimes), 2),
            verifySecondsSpread = $"{verifyTimes[0]:0.00}-{verifyTimes[^1]:0.00}",
            entriesPerSecond = Math.Round(entries / Median(verifyTimes)),
            previousVerifySeconds = Math.Round(Median(previousTimes), 2),
            previousVerifySecondsSpread = $"{previousTimes[0]:0.00}-{previousTimes[^1]:0.00}",
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

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];
}
