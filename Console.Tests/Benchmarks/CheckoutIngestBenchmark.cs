using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Checkout;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Checkout ingest throughput over HTTP on loopback against a raw COPY, side by side on one durable cluster (fsync,
/// synchronous_commit and full_page_writes on, as the embedded default runs it: a 202 there means committed to disk).
/// HTTP: concurrent senders post batches of 500 to the real console (Kestrel, API key, parse, checks, store, commit) for
/// OPS_BENCH_INGEST_SECONDS (default 30) in all, resending a batch answered 429, and resending every tenth batch whole, as a
/// sender that lost the answer would. Raw COPY: after each of OPS_BENCH_INGEST_ROUNDS (default 3) rounds of HTTP, as many rows
/// of the same mix as that round stored, in one Npgsql binary COPY and one commit, into a table of checkout_events' shape,
/// indexes and day partitions. The HTTP side commits each batch of 500 before its 202 (with the batches that arrived
/// meanwhile, in one transaction: group commit), the COPY side once a round: the strongest raw baseline. Figures: events
/// stored per second both ways and their ratio (goal: HTTP at least 0.8 of raw COPY), overall and per round; the CPU each
/// side spends per 1,000 events (this process, which holds console and clients, plus the cluster's processes) and its
/// ratio, which load moves far less than throughput; acknowledged, stored and duplicate counts, which must agree.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class CheckoutIngestBenchmark(CheckoutIngestBenchmark.DurableConsole fixture, ITestOutputHelper output)
    : IClassFixture<CheckoutIngestBenchmark.DurableConsole>
{
    private const int BatchSize = 500;
    private const int ResendEvery = 10;
    private const string Service = "bench-checkout";

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    [Benchmark]
    public async Task IngestOverHttp_AgainstRawCopy()
    {
        var seconds = Setting("OPS_BENCH_INGEST_SECONDS", 30);
        var senders = Setting("OPS_BENCH_INGEST_SENDERS", 4);
        var key = await fixture.App.Service<ApiKeyService>().CreateAsync(Actor.System, "bench-ingest", [ApiScopes.EventsWrite]);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = senders }) { BaseAddress = fixture.App.BaseUrl };
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Key);

        // Warm-up of both sides (pools, the staging tables, and the JIT: on two busy cores tiered compilation takes 10-20 s
        // to bring the HTTP path's code to its optimized tier, and a short warm-up measured the JIT more than the ingest);
        // warm-up events go to another service and the warm-up COPY's table is made anew. Then rounds of HTTP, each followed
        // by a raw COPY of as many rows, each from a checkpoint: on a shared machine the load drifts, and alternating lets both
        // sides meet the same drift.
        await RunAsync(client, "bench-warmup", senders, TimeSpan.FromSeconds(Setting("OPS_BENCH_INGEST_WARMUP_SECONDS", 20)));
        await fixture.CreateCopyTableAsync();
        await fixture.CopyAsync(200_000);
        await fixture.CreateCopyTableAsync();
        var rounds = Setting("OPS_BENCH_INGEST_ROUNDS", 3);
        var runs = new List<Run>();
        var perRound = new List<object>();
        double elapsed = 0, copySeconds = 0, httpCpuSeconds = 0, copyCpuSeconds = 0;
        long stored = 0;
        for (var round = 0; round < rounds; round++)
        {
            await fixture.CheckpointAsync();
            var cpu = fixture.CpuSeconds();
            var clusterCpu = fixture.ClusterCpuSeconds();
            var clock = Stopwatch.StartNew();
            runs.Add(await RunAsync(client, Service, senders, TimeSpan.FromSeconds((double)seconds / rounds)));
            var httpSeconds = clock.Elapsed.TotalSeconds;
            var httpCpu = fixture.CpuSeconds() - cpu;
            var httpClusterCpu = fixture.ClusterCpuSeconds() - clusterCpu;
            elapsed += httpSeconds;
            var storedNow = await fixture.CountAsync($"SELECT count(*) FROM checkout_events WHERE \"Service\" = '{Service}'");
            await fixture.CheckpointAsync();
            cpu = fixture.CpuSeconds();
            clusterCpu = fixture.ClusterCpuSeconds();
            var copyRoundSeconds = await fixture.CopyAsync(storedNow - stored);
            var copyCpu = fixture.CpuSeconds() - cpu;
            var copyClusterCpu = fixture.ClusterCpuSeconds() - clusterCpu;
            copySeconds += copyRoundSeconds;
            (httpCpuSeconds, copyCpuSeconds) = (httpCpuSeconds + httpCpu, copyCpuSeconds + copyCpu);
            // Each round's own pair: the load on a shared machine moves both sides, and the spread of the ratios shows by how much.
            // CPU seconds per event (console and benchmark process, plus the cluster's processes) move much less with load.
            var rows = storedNow - stored;
            var (httpRate, copyRate) = (rows / httpSeconds, rows / copyRoundSeconds);
            perRound.Add(new
            {
                httpEventsPerSecond = Math.Round(httpRate), copyEventsPerSecond = Math.Round(copyRate), ratio = Math.Round(httpRate / copyRate, 3),
                httpCpuMsPer1000 = Math.Round(httpCpu * 1e6 / rows, 1), copyCpuMsPer1000 = Math.Round(copyCpu * 1e6 / rows, 1),
                cpuRatio = Math.Round(copyCpu / httpCpu, 3),
                // Of which the cluster's processes (the rest is this process: console and clients).
                httpClusterCpuMsPer1000 = Math.Round(httpClusterCpu * 1e6 / rows, 1), copyClusterCpuMsPer1000 = Math.Round(copyClusterCpu * 1e6 / rows, 1),
            });
            stored = storedNow;
        }
        var copied = await fixture.CountAsync("SELECT count(*) FROM bench_copy");
        var run = new Run(runs.Sum(r => r.Acknowledged), runs.Sum(r => r.Unique), runs.Sum(r => r.DuplicatesSent), runs.Sum(r => r.DuplicatesAnswered),
            runs.Sum(r => r.Refused), runs.SelectMany(r => r.Latencies).ToList());

        run.Latencies.Sort();
        var eventsPerSecond = stored / elapsed;
        var copyEventsPerSecond = copied / copySeconds;
        var figures = new
        {
            seconds = Math.Round(elapsed, 1),
            senders,
            batchSize = BatchSize,
            batches = run.Latencies.Count,
            eventsAcknowledged = run.Acknowledged,
            eventsStored = stored,
            eventsPerSecond = Math.Round(eventsPerSecond),
            duplicatesSent = run.DuplicatesSent,
            duplicatesAnswered = run.DuplicatesAnswered,
            refused429 = run.Refused,
            batchP50Ms = Math.Round(BenchmarkFigures.Percentile(run.Latencies, 0.50), 1),
            batchP95Ms = Math.Round(BenchmarkFigures.Percentile(run.Latencies, 0.95), 1),
            rounds,
            copyRows = copied,
            copySeconds = Math.Round(copySeconds, 2),
            copyEventsPerSecond = Math.Round(copyEventsPerSecond),
            ratio = Math.Round(eventsPerSecond / copyEventsPerSecond, 3),
            goalRatio = 0.8,
            // CPU spent per 1,000 events stored, both processes and the cluster; their ratio is what the throughput ratio would be
            // if CPU alone bounded both sides (it does on two busy cores), and a loaded machine moves it far less.
            httpCpuMsPer1000 = Math.Round(httpCpuSeconds * 1e6 / stored, 1),
            copyCpuMsPer1000 = Math.Round(copyCpuSeconds * 1e6 / copied, 1),
            cpuRatio = Math.Round(copyCpuSeconds / httpCpuSeconds, 3),
            perRound,
            durable = true,
        };
        BenchmarkFigures.Report(output, "ingest.json", figures);
        // Nothing lost, nothing twice: every new event acknowledged is stored, and every resent one was answered as a duplicate.
        Assert.Equal(run.Acknowledged, stored);
        Assert.Equal(run.Unique, stored);
        Assert.Equal(run.DuplicatesSent, run.DuplicatesAnswered);
        Assert.Equal(stored, copied);
    }

    private sealed record Run(long Acknowledged, long Unique, long DuplicatesSent, long DuplicatesAnswered, int Refused, List<double> Latencies);

    private static async Task<Run> RunAsync(HttpClient client, string service, int senders, TimeSpan duration)
    {
        var until = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            long acknowledged = 0, unique = 0, duplicatesSent = 0, duplicatesAnswered = 0, sequence = 0;
            var refused = 0;
            var latencies = new List<double>();
            var body = BatchTemplate.Make(service, sender, ref sequence);
            for (var batch = 1; until.Elapsed < duration; batch++)
            {
                // Every tenth batch is the previous one again: all of it must come back as duplicates.
                var resend = batch % ResendEvery == 0;
                if (resend)
                    duplicatesSent += BatchSize;
                else
                {
                    body.NewIds();
                    unique += BatchSize;
                }
                while (true)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var content = new ReadOnlyMemoryContent(body.Json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
                    using var response = await client.PostAsync("/api/v1/checkout-events", content);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        refused++;
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                        continue;
                    }
                    Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                    acknowledged += answer.GetProperty("stored").GetInt32();
                    duplicatesAnswered += answer.GetProperty("duplicates").GetInt32();
                    break;
                }
            }
            return new Run(acknowledged, unique, duplicatesSent, duplicatesAnswered, refused, latencies);
        })));
        return new Run(results.Sum(r => r.Acknowledged), results.Sum(r => r.Unique), results.Sum(r => r.DuplicatesSent),
            results.Sum(r => r.DuplicatesAnswered), results.Sum(r => r.Refused), results.SelectMany(r => r.Latencies).ToList());
    }

    /// <summary>One event of the mix: 97 % succeeded, failures spread over the classes, latencies 5-800 ms.</summary>
    private readonly record struct BenchEvent(string EventId, DateTimeOffset OccurredAt, bool Failed, string? ErrorClass, double LatencyMs, decimal Amount)
    {
        public static BenchEvent Make(string idPrefix, int i, long sequence, DateTimeOffset now)
        {
            var failed = sequence % 33 == 0;
            return new BenchEvent($"{idPrefix}-{i}", now.AddMilliseconds(-i), failed, failed ? ErrorClasses.All[(int)(sequence / 33 % 7)] : null,
                5 + sequence * 7919 % 795 + 0.25, 12.5m + sequence % 200);
        }
    }

    /// <summary>
    /// One sender's batch body, serialized once per round: a sender's own cost (serializing its events) is not the console's,
    /// and on two shared cores it would be charged to the HTTP side. Each new batch gets new event ids by overwriting the
    /// 32 hex digits of its id prefix in place; the rest (times, outcomes, latencies) stays, which is the same mix.
    /// </summary>
    private sealed class BatchTemplate
    {
        private readonly byte[] json;
        private readonly int[] idOffsets;

        private BatchTemplate(byte[] json, int[] idOffsets) => (this.json, this.idOffsets) = (json, idOffsets);

        public ReadOnlyMemory<byte> Json => json;

        public static BatchTemplate Make(string service, int sender, ref long sequence)
        {
            var marker = Guid.NewGuid().ToString("N");
            var writer = new ArrayBufferWriter<byte>(256 * 1024);
            WriteBatch(writer, service, $"{service}-{sender}-{marker}", ref sequence);
            var json = writer.WrittenSpan.ToArray();
            var offsets = new List<int>(BatchSize);
            var needle = System.Text.Encoding.ASCII.GetBytes(marker);
            for (var at = json.AsSpan().IndexOf(needle); at >= 0; )
            {
                offsets.Add(at);
                var next = json.AsSpan(at + needle.Length).IndexOf(needle);
                at = next < 0 ? -1 : at + needle.Length + next;
            }
            Assert.Equal(BatchSize, offsets.Count);
            var template = new BatchTemplate(json, [.. offsets]);
            template.NewIds();
            return template;
        }

        /// <summary>A new batch: every event id gets the same new 32 hex digits.</summary>
        public void NewIds()
        {
            Span<byte> id = stackalloc byte[32];
            Guid.NewGuid().TryFormat(id, out _, "N");
            foreach (var offset in idOffsets)
                id.CopyTo(json.AsSpan(offset));
        }
    }

    private static void WriteBatch(IBufferWriter<byte> buffer, string service, string idPrefix, ref long sequence)
    {
        var now = DateTimeOffset.UtcNow;
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartArray();
        for (var i = 0; i < BatchSize; i++, sequence++)
        {
            var e = BenchEvent.Make(idPrefix, i, sequence, now);
            json.WriteStartObject();
            json.WriteString("eventId"u8, e.EventId);
            json.WriteString("occurredAt"u8, e.OccurredAt);
            json.WriteString("outcome"u8, e.Failed ? "failed"u8 : "succeeded"u8);
            if (e.ErrorClass is not null)
                json.WriteString("errorClass"u8, e.ErrorClass);
            json.WriteNumber("latencyMs"u8, e.LatencyMs);
            json.WriteNumber("amount"u8, e.Amount);
            json.WriteString("currency"u8, "EUR"u8);
            json.WriteString("region"u8, "eu-west"u8);
            json.WriteString("service"u8, service);
            json.WriteString("target"u8, "shop"u8);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// A console on a durable cluster of its own, set up as the embedded default sets up its store (owner and runtime roles,
    /// migrations as the owner): the tests' shared cluster runs with fsync off, where a commit promises nothing.
    /// </summary>
    public sealed class DurableConsole : IAsyncLifetime
    {
        private const string Database = "opsconsole";
        private readonly string root = PostgresClusterFixture.NewTempFolder("ingest-bench");
        private EmbeddedPostgres cluster = null!;

        public ConsoleApp App { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            cluster = await EmbeddedPostgres.StartAsync(root, durable: true);
            await EmbeddedStoreRoles.PrepareAsync(cluster, Database, EmbeddedClusters.OwnerRole, EmbeddedClusters.RuntimeRole, default);
            App = new ConsoleApp(cluster.ConnectionString(Database, EmbeddedClusters.RuntimeRole), new Dictionary<string, string?>
            {
                ["ConnectionStrings:ConsoleMigrations"] = cluster.ConnectionString(Database, EmbeddedClusters.OwnerRole),
            });
            _ = App.BaseUrl;
        }

        private string Owner => cluster.ConnectionString(Database, EmbeddedClusters.OwnerRole);

        public async Task<long> CountAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(Owner);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>
        /// CPU seconds used so far by this process (the console and the benchmark's clients) and by the cluster's processes (the
        /// postmaster and its children: backends, WAL writer, checkpointer), from /proc.
        /// </summary>
        public double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds + ClusterCpuSeconds();

        /// <summary>CPU seconds used so far by the cluster's processes alone.</summary>
        public double ClusterCpuSeconds()
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First());
            double ticks = 0;
            foreach (var folder in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), out var pid))
                    continue;
                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(folder, "stat"));
                }
                catch (IOException)
                {
                    continue; // ended meanwhile
                }
                // After "pid (name)": state, ppid, ... utime and stime are the 14th and 15th fields of the line.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (pid == postmaster || int.Parse(fields[1]) == postmaster)
                    ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            return ticks / ClockTicksPerSecond;
        }

        // USER_HZ: 100 on every Linux this runs on.
        private const double ClockTicksPerSecond = 100;

        /// <summary>Dirty pages written out first, so that neither side pays for the other's (a superuser's right).</summary>
        public async Task CheckpointAsync()
        {
            await using var connection = await cluster.OpenAsSuperuserAsync(Database);
            await using var command = new NpgsqlCommand("CHECKPOINT", connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }

        /// <summary>checkout_events' shape, keys and indexes, partitioned the same way: yesterday to a week ahead, and DEFAULT.</summary>
        public async Task CreateCopyTableAsync()
        {
            await using var connection = new NpgsqlConnection(Owner);
            await connection.OpenAsync();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var sql = """
                DROP TABLE IF EXISTS bench_copy;
                CREATE TABLE bench_copy (LIKE checkout_events INCLUDING ALL) PARTITION BY RANGE ("OccurredAt");
                CREATE TABLE bench_copy_default PARTITION OF bench_copy DEFAULT;
                """ + string.Concat(Enumerable.Range(-1, 9).Select(d => today.AddDays(d)).Select(day =>
                    $"CREATE TABLE bench_copy_{day:yyyyMMdd} PARTITION OF bench_copy FOR VALUES FROM ('{day:yyyy-MM-dd}T00:00:00Z') TO ('{day.AddDays(1):yyyy-MM-dd}T00:00:00Z');\n"));
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        /// <summary>Rows of the benchmark's mix by one binary COPY in one transaction; the seconds it took, commit included.</summary>
        public async Task<double> CopyAsync(long rows)
        {
            await using var connection = new NpgsqlConnection(Owner);
            await connection.OpenAsync();
            var clock = Stopwatch.StartNew();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var importer = await connection.BeginBinaryImportAsync("""
                COPY bench_copy ("EventId", "OccurredAt", "Outcome", "ErrorClass", "ErrorCode", "LatencyMs", "Amount", "Currency", "Region",
                    "Service", "Target", "ReceivedAt") FROM STDIN (FORMAT BINARY)
                """))
            {
                var prefix = "";
                var now = DateTimeOffset.UtcNow;
                for (long sequence = 0; sequence < rows; sequence++)
                {
                    var i = (int)(sequence % BatchSize);
                    if (i == 0)
                        (prefix, now) = ($"{Service}-copy-{Guid.NewGuid():N}", DateTimeOffset.UtcNow);
                    var e = BenchEvent.Make(prefix, i, sequence, now);
                    importer.StartRow();
                    importer.Write(e.EventId, NpgsqlDbType.Text);
                    importer.Write(e.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                    importer.Write(e.Failed ? "Failed" : "Succeeded", NpgsqlDbType.Text);
                    if (e.ErrorClass is null)
                        importer.WriteNull();
                    else
                        importer.Write(e.ErrorClass, NpgsqlDbType.Text);
                    importer.WriteNull();
                    importer.Write(e.LatencyMs, NpgsqlDbType.Double);
                    importer.Write(e.Amount, NpgsqlDbType.Numeric);
                    importer.Write("EUR", NpgsqlDbType.Text);
                    importer.Write("eu-west", NpgsqlDbType.Text);
                    importer.Write(Service, NpgsqlDbType.Text);
                    importer.Write("shop", NpgsqlDbType.Text);
                    importer.Write(now.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                }
                await importer.CompleteAsync();
            }
            await tx.CommitAsync();
            return clock.Elapsed.TotalSeconds;
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await cluster.DeleteAsync();
        }
    }
}
