using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// What the lock sampler costs: the time of one tick on a target with 0 and with 200 sessions waiting; a tick and
/// what it stores with 1,000 sessions queued on one row (the bound of a target in trouble); the CPU a tick costs while
/// pgbench runs; and the TPS pgbench loses on the target while the real sampler runs at 1 s, measured in alternating
/// phases so that drift in the machine's speed hits both sides, and second by second within one pgbench run. The target cluster runs with fsync off (a throwaway cluster), which makes
/// transactions cheaper and the sampler's share larger: a conservative measure.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed partial class LockSamplerBenchmark(PostgresClusterFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string root = PostgresClusterFixture.NewTempFolder("sampler-bench");
    private EmbeddedPostgres cluster = null!;
    private ConsoleApp app = null!;
    private Target target = null!;
    private string storeConnectionString = "";

    public async ValueTask InitializeAsync()
    {
        cluster = await EmbeddedPostgres.StartAsync(root, durable: false);
        await cluster.EnsureDatabaseAsync("bench");
        await ExecuteAsync("ALTER SYSTEM SET max_connections = 1100");
        await ExecuteAsync("ALTER SYSTEM SET autovacuum = off"); // see PgbenchPhaseAsync
        await cluster.RestartAsync();
        // The app's own sampler stays off: the benchmark runs the sampler itself, in phases.
        storeConnectionString = await postgres.CreateStoreAsync("sampler-bench");
        app = new ConsoleApp(storeConnectionString, new Dictionary<string, string?> { ["Locks:Enabled"] = "false" });
        var id = await app.Service<TargetRegistry>().RegisterAsync(Actor.System, "bench", TargetEnvironment.Other, cluster.ConnectionString("bench"));
        target = await app.Service<TargetRegistry>().GetAsync(id);
    }

    [Benchmark]
    public async Task SamplerCostPerTick()
    {
        var figures = new Dictionary<string, double>();
        await using var connection = await app.Service<TargetConnections>().OpenDedicatedAsync(target, "bench sampler", TimeSpan.FromSeconds(2), default);
        var sampler = Sampler();
        (figures["idleMedianMs"], figures["idleP95Ms"]) = await TickTimesAsync(sampler, connection, expectWaiting: 0);

        await using var contention = await LockContention.StartAsync(cluster.ConnectionString("bench"));
        var holder = await contention.BeginAsync();
        await holder.UpdateAsync(1);
        var waits = new List<Task>();
        for (var i = 0; i < 200; i++)
            waits.Add((await contention.BeginAsync()).UpdateAsync(1));
        await Poll.UntilAsync(() => LockQueries.ReadAsync(connection, default), r => r.Waiting == 200, TimeSpan.FromSeconds(30), "200 waiting sessions");
        (figures["waiting200MedianMs"], figures["waiting200P95Ms"]) = await TickTimesAsync(sampler, connection, expectWaiting: 200);
        await holder.RollbackAsync();

        BenchmarkFigures.Report(output, "sampler.json", figures);
    }

    /// <summary>
    /// 1,000 sessions queued on one row: the row's holder, the first in the queue waiting on its transaction (and
    /// holding the row's tuple lock), 999 waiting on that tuple lock. pg_blocking_pids names about 500,000 waits;
    /// the sampler reads 1,000 and keeps Locks:MaxSessions sessions. A tick is the read, the graph and the store write.
    /// </summary>
    [Benchmark]
    public async Task ATickWithAThousandSessionsQueuedOnOneRow()
    {
        const int Queued = 1000;
        const double GoalP95Ms = 200, GoalStoredKb = 256;
        // A longer statement timeout than the sampler's own 5 s: with a thousand waiters a read can stall for seconds (the lock
        // manager is busy), and the benchmark should show such a tick in its p95 and max rather than stop at it.
        await using var connection = await app.Service<TargetConnections>().OpenDedicatedAsync(target, "bench sampler", TimeSpan.FromSeconds(60), default);
        // Not disposed one by one: the class's cluster goes with its thousand sessions at the end of the test. No
        // command timeout (opening a thousand sessions takes longer than the first ones would otherwise wait) and a long
        // connect timeout: a loaded machine forks backends slowly.
        var contention = await LockContention.StartAsync(cluster.ConnectionString("bench") + ";Timeout=120");
        var holder = await contention.BeginAsync();
        await holder.UpdateAsync(1);
        var clientBefore = GC.GetTotalMemory(forceFullCollection: true);
        // A few connections at a time: a thousand at once would time out authenticating on a busy machine.
        using (var gate = new SemaphoreSlim(8))
            await Task.WhenAll(Enumerable.Range(0, Queued).Select(async session =>
            {
                await gate.WaitAsync();
                try { _ = LockContention.OutcomeOf((await contention.BeginAsync()).UpdateAsync(1)); }
                finally { gate.Release(); }
            }));
        var clientKbPerSession = (GC.GetTotalMemory(forceFullCollection: true) - clientBefore) / 1024.0 / Queued;
        await Poll.UntilAsync(() => LockQueries.ReadAsync(connection, default), r => r.Waiting == Queued, TimeSpan.FromMinutes(2), $"{Queued} waiting sessions");
        // What reading every waiter's pg_blocking_pids (the sampler's former way) names, and costs, on the same queue.
        var blockingPidsClock = Stopwatch.StartNew();
        var namedByBlockingPids = await Sql.ScalarAsync<long>(cluster.ConnectionString("bench") + ";Command Timeout=0",
            "SELECT sum(cardinality(pg_blocking_pids(pid))) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
        var blockingPidsMs = blockingPidsClock.Elapsed.TotalMilliseconds;

        var sampler = Sampler();
        var history = app.Service<LockHistory>();
        var since = DateTimeOffset.UtcNow;
        await history.RecordAsync(await sampler.SampleAsync(connection, default), default); // warm-up
        var reads = new List<double>();
        var ticks = new List<double>();
        var allocated = new List<double>();
        LockSample sample = null!;
        for (var i = 0; i < 50; i++)
        {
            // The whole process's allocations: an await may resume on another thread, so one thread's count misses part of a tick.
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            sample = await sampler.SampleAsync(connection, default);
            reads.Add(clock.Elapsed.TotalMilliseconds);
            await history.RecordAsync(sample, default);
            ticks.Add(clock.Elapsed.TotalMilliseconds);
            allocated.Add((GC.GetTotalAllocatedBytes(precise: true) - before) / 1024.0);
            // The deadlock detector (every deadlock_timeout) briefly wakes and requeues waiters: for a tick, some (11 % once,
            // on a loaded machine) may show no blocker. The holder's tree still holds most of them.
            Assert.InRange(sample.Waiting, Queued * 80 / 100, Queued);
            Assert.InRange(sample.Graph.Trees.FirstOrDefault()?.Waiting ?? 0, Queued * 75 / 100, Queued);
            Assert.True(sample.Graph.Nodes.Count <= app.Service<IOptions<LockOptions>>().Value.MaxSessions);
        }
        var stored = await Sql.ScalarAsync<int[]>(storeConnectionString,
            $"SELECT array_agg(octet_length(\"Graph\"::text)) FROM lock_snapshots WHERE \"At\" >= '{since:O}'::timestamptz");
        reads.Sort();
        ticks.Sort();
        allocated.Sort();
        var storedKb = stored.Select(b => b / 1024.0).Order().ToList();
        var figures = new Dictionary<string, double>
        {
            ["sessions"] = Queued,
            ["waitsNamedByPgBlockingPids"] = namedByBlockingPids,
            ["pgBlockingPidsQueryMs"] = blockingPidsMs,
            ["waitsRead"] = sample.Graph.Edges.Count + (sample.Graph.Omitted?.Waits ?? 0),
            ["sessionsKept"] = sample.Graph.Nodes.Count,
            ["readMedianMs"] = BenchmarkFigures.Percentile(reads, 0.5),
            ["readP95Ms"] = BenchmarkFigures.Percentile(reads, 0.95),
            ["tickMedianMs"] = BenchmarkFigures.Percentile(ticks, 0.5),
            ["tickP95Ms"] = BenchmarkFigures.Percentile(ticks, 0.95),
            ["storedKbMedian"] = BenchmarkFigures.Percentile(storedKb, 0.5),
            ["storedKbMax"] = storedKb.Count == 0 ? 0 : storedKb[^1],
            ["allocatedKbPerTickMedian"] = BenchmarkFigures.Percentile(allocated, 0.5),
            ["clientKbPerSession"] = clientKbPerSession,
            ["tickP95ToGoal"] = BenchmarkFigures.Percentile(ticks, 0.95) / GoalP95Ms,
            ["storedMaxToGoal"] = (storedKb.Count == 0 ? 0 : storedKb[^1]) / GoalStoredKb,
        };
        Assert.Equal(51, stored.Length);
        output.WriteLine($"tick p95 / goal {figures["tickP95ToGoal"]:0.00}; stored per tick / goal {figures["storedMaxToGoal"]:0.00}");
        BenchmarkFigures.Report(output, "sampler-queue.json", figures);
    }

    /// <summary>
    /// What one tick costs while pgbench keeps the target busy, in CPU (what the 2 cores pgbench shares lose): the console
    /// process's, the sampler's backend's on the target, and the store cluster's, per tick, for the read alone and for a whole
    /// tick (read, memory, store write, live notice), over back-to-back ticks in alternating rounds; and the target's own
    /// planning and execution time of the idle tick's query (EXPLAIN ANALYZE). CPU counts move far less with load than TPS.
    /// </summary>
    [Benchmark]
    public async Task OneTickUnderPgbenchCosts()
    {
        const int Rounds = 6, TicksPerRound = 100;
        await PgbenchAsync("-i", "-s", "10", "-q");
        using var load = StartPgbench("-c", "4", "-j", "2", "-T", "600");
        await using var connection = await app.Service<TargetConnections>().OpenDedicatedAsync(target, "bench sampler", TimeSpan.FromSeconds(2), default);
        var sampler = Sampler();
        await sampler.KeepAsync(await sampler.SampleAsync(connection, default), Stopwatch.StartNew(), default); // warm-up
        var store = postgres.Cluster.DataDirectory;
        // Three kinds of round, in rotating order: the idle read as it was (planned anew every tick), the read as it is, a whole tick.
        string[] kinds = ["unpreparedRead", "read", "tick"];
        var cpu = kinds.ToDictionary(k => k, _ => (Console: new List<double>(), Backend: new List<double>(), Store: new List<double>()));
        for (var round = 0; round < Rounds; round++)
            for (var k = 0; k < kinds.Length; k++)
            {
                var kind = kinds[(round + k) % kinds.Length];
                var (console, backend, stored) = (ProcessCpu.OfThisProcess(), ProcessCpu.Of(connection.ProcessID), ProcessCpu.OfCluster(store));
                for (var i = 0; i < TicksPerRound; i++)
                {
                    var clock = Stopwatch.StartNew();
                    if (kind == "unpreparedRead")
                    {
                        await using var command = new NpgsqlCommand(LockQueries.CountersSql, connection);
                        await using var reader = await command.ExecuteReaderAsync();
                        await reader.ReadAsync();
                        _ = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
                        continue;
                    }
                    var sample = await sampler.SampleAsync(connection, default);
                    if (kind == "tick")
                        await sampler.KeepAsync(sample, clock, default);
                }
                double PerTickMs(double before, double after) => (after - before) * 1000 / TicksPerRound;
                cpu[kind].Console.Add(PerTickMs(console, ProcessCpu.OfThisProcess()));
                cpu[kind].Backend.Add(PerTickMs(backend, ProcessCpu.Of(connection.ProcessID)));
                cpu[kind].Store.Add(PerTickMs(stored, ProcessCpu.OfCluster(store)));
            }
        var (planning, execution) = (new List<double>(), new List<double>());
        for (var i = 0; i < 21; i++)
        {
            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, TIMING OFF) " + LockQueries.CountersSql, connection);
            var lines = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    lines.Add(reader.GetString(0));
            double Ms(string label) => double.Parse(lines.Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Replace(" ms", ""),
                System.Globalization.CultureInfo.InvariantCulture);
            planning.Add(Ms("Planning Time: "));
            execution.Add(Ms("Execution Time: "));
        }
        load.Kill();
        var figures = new Dictionary<string, double>
        {
            ["idleQueryPlanningMs"] = Median(planning),
            ["idleQueryExecutionMs"] = Median(execution),
            ["rounds"] = Rounds,
            ["ticksPerRound"] = TicksPerRound,
        };
        foreach (var (kind, (console, backend, stored)) in cpu)
        {
            (figures[$"{kind}ConsoleCpuMs"], figures[$"{kind}BackendCpuMs"], figures[$"{kind}StoreCpuMs"]) = (Median(console), Median(backend), Median(stored));
            figures[$"{kind}CpuMs"] = Median(console) + Median(backend) + Median(stored);
            output.WriteLine($"{kind}, CPU ms per tick in each round: console {Join(console)}; target backend {Join(backend)}; store {Join(stored)}");
        }
        BenchmarkFigures.Report(output, "sampler-tick-cpu.json", figures);
    }

    [Benchmark]
    public async Task PgbenchTpsWithTheSamplerOffAndOn()
    {
        var phase = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("OPS_BENCH_PGBENCH_SECONDS") ?? "5"));
        await PgbenchAsync("-i", "-s", "10", "-q");
        var off = new List<Phase>();
        var on = new List<Phase>();
        // Off-on, on-off, ... (ABBA): a machine that slows down or speeds up during the run weighs on both sides alike.
        for (var pair = 0; pair < Pairs; pair++)
        {
            if (pair % 2 == 0)
            {
                off.Add(await PgbenchPhaseAsync(phase));
                on.Add(await WithSamplerAsync(() => PgbenchPhaseAsync(phase)));
            }
            else
            {
                on.Add(await WithSamplerAsync(() => PgbenchPhaseAsync(phase)));
                off.Add(await PgbenchPhaseAsync(phase));
            }
        }
        // Each pair's loss compares two neighbouring phases, so a machine that drifts (other work starting or ending) weighs
        // on one pair, not on the figure: the goal is the median of the pairs' losses, with their spread beside it.
        var losses = off.Zip(on, (o, n) => (o.Tps - n.Tps) / o.Tps * 100).ToList();
        var sortedLosses = losses.Order().ToList();
        List<double> Of(List<Phase> phases, Func<Phase, double> figure) => phases.Select(figure).ToList();
        var figures = new
        {
            offTps = Median(Of(off, p => p.Tps)),
            onTps = Median(Of(on, p => p.Tps)),
            lossPercent = Median(losses),
            lossMinPercent = sortedLosses[0],
            lossMaxPercent = sortedLosses[^1],
            lossP25Percent = BenchmarkFigures.Percentile(sortedLosses, 0.25),
            lossP75Percent = BenchmarkFigures.Percentile(sortedLosses, 0.75),
            lossOfMediansPercent = (Median(Of(off, p => p.Tps)) - Median(Of(on, p => p.Tps))) / Median(Of(off, p => p.Tps)) * 100,
            offLatencyMs = Median(Of(off, p => p.LatencyMs)),
            onLatencyMs = Median(Of(on, p => p.LatencyMs)),
            // The console process and the store's cluster, per phase: what the sampler adds there is a steadier figure than TPS.
            offConsoleCpuSeconds = Median(Of(off, p => p.ConsoleCpuSeconds)),
            onConsoleCpuSeconds = Median(Of(on, p => p.ConsoleCpuSeconds)),
            pairLossesPercent = losses.Select(l => Math.Round(l, 2)).ToArray(),
            pairs = off.Zip(on, (o, n) => new
            {
                offTps = Math.Round(o.Tps, 1), onTps = Math.Round(n.Tps, 1),
                offLatencyMs = Math.Round(o.LatencyMs, 3), onLatencyMs = Math.Round(n.LatencyMs, 3),
                offConsoleCpuSeconds = Math.Round(o.ConsoleCpuSeconds, 3), onConsoleCpuSeconds = Math.Round(n.ConsoleCpuSeconds, 3),
            }).ToArray(),
            phaseSeconds = phase.TotalSeconds,
        };
        output.WriteLine($"off {string.Join(", ", off.Select(p => p.Tps))}; on {string.Join(", ", on.Select(p => p.Tps))}; losses % {Join(losses)}");
        BenchmarkFigures.Report(output, "pgbench.json", figures);
        Assert.All(off.Concat(on), p => Assert.True(p.Tps > 0, "a pgbench phase committed no transaction"));
    }

    /// <summary>
    /// The same loss where the machine's drift cannot reach it. The phases above swing by a tenth from one to the next on
    /// this machine, which buries a loss of 2 % however many pairs there are. Here one pgbench run reports its TPS every
    /// second (<c>--progress-timestamp</c>), and the sampler's whole tick (read, memory, store, notice: what it does each
    /// second) runs in the middle of every other second of it. Each second with a tick is compared with the mean of the two
    /// seconds beside it, which had none: a drift over a few seconds weighs on both sides alike. The goal is the median of
    /// those comparisons, with every one of them printed.
    /// </summary>
    [Benchmark]
    public async Task PgbenchTpsSecondBySecond_WithATickInEveryOtherSecond()
    {
        var seconds = int.Parse(Environment.GetEnvironmentVariable("OPS_BENCH_PGBENCH_INTERLEAVED_SECONDS") ?? "121");
        await PgbenchAsync("-i", "-s", "10", "-q");
        await ExecuteAsync("CHECKPOINT");
        await using var connection = await app.Service<TargetConnections>().OpenDedicatedAsync(target, "bench sampler", TimeSpan.FromSeconds(2), default);
        var sampler = Sampler();
        await sampler.KeepAsync(await sampler.SampleAsync(connection, default), Stopwatch.StartNew(), default); // warm-up

        using var load = StartPgbench("-c", "4", "-j", "2", "-T", (seconds + 1).ToString(), "-P", "1", "--progress-timestamp");
        var stdout = load.StandardOutput.ReadToEndAsync();
        var reports = new List<(double End, double Tps)>();
        var firstReport = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = Task.Run(async () =>
        {
            // "progress: 1764450000.123 s, 6044.0 tps, lat 0.662 ms stddev 0.301, 0 failed": the second that ended then.
            while (await load.StandardError.ReadLineAsync() is { } line)
                if (ProgressLine().Match(line) is { Success: true } m)
                {
                    var report = (double.Parse(m.Groups["at"].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups["tps"].Value, CultureInfo.InvariantCulture));
                    lock (reports) reports.Add(report);
                    firstReport.TrySetResult(report.Item1);
                }
        });
        // Ticks in the middle of pgbench's own seconds: the first report gives where they end.
        var first = await firstReport.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var ticks = new List<double>();
        for (var at = first + 1.5; at < first + seconds - 1; at += 2)
        {
            var wait = at - Now();
            if (wait > 0)
                await Task.Delay(TimeSpan.FromSeconds(wait));
            ticks.Add(Now());
            await sampler.KeepAsync(await sampler.SampleAsync(connection, default), Stopwatch.StartNew(), default);
        }
        await load.WaitForExitAsync();
        await progress;
        await stdout;

        // A second is "with a tick" when one began in it (the tick takes a few milliseconds); one without is compared only
        // when both its neighbours are, so that a late tick at a boundary is never counted on the wrong side.
        var withTick = reports.Select(r => ticks.Any(t => t > r.End - 1 && t <= r.End)).ToList();
        var pairs = new List<(double Off, double On, double Loss)>();
        for (var i = 1; i < reports.Count - 1; i++)
            if (withTick[i] && !withTick[i - 1] && !withTick[i + 1])
            {
                var off = (reports[i - 1].Tps + reports[i + 1].Tps) / 2;
                pairs.Add((off, reports[i].Tps, (off - reports[i].Tps) / off * 100));
            }
        var losses = pairs.Select(p => p.Loss).Order().ToList();
        var figures = new
        {
            seconds = reports.Count,
            ticks = ticks.Count,
            comparisons = pairs.Count,
            offTps = Median(pairs.Select(p => p.Off).ToList()),
            onTps = Median(pairs.Select(p => p.On).ToList()),
            lossPercent = Median(losses),
            lossMinPercent = losses[0],
            lossMaxPercent = losses[^1],
            lossP25Percent = BenchmarkFigures.Percentile(losses, 0.25),
            lossP75Percent = BenchmarkFigures.Percentile(losses, 0.75),
            lossesPercent = pairs.Select(p => Math.Round(p.Loss, 1)).ToArray(),
            // Every second as pgbench reported it, a tick's marked: to look for what else moves TPS from second to second.
            perSecond = reports.Select((r, i) => new { tps = r.Tps, tick = withTick[i] }).ToArray(),
        };
        BenchmarkFigures.Report(output, "pgbench-seconds.json", figures);
        // Most ticks make a comparison: a run where they did not (pgbench stalled, reports missing) measured nothing.
        Assert.True(pairs.Count >= ticks.Count * 3 / 4, $"only {pairs.Count} of {ticks.Count} ticks fell in a second with tickless neighbours");
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    [GeneratedRegex(@"^progress: (?<at>[0-9.]+) s, (?<tps>[0-9.]+) tps")]
    private static partial Regex ProgressLine();

    // Twenty pairs of 5 s: TPS on this 2-core machine swings by a quarter from one phase to the next even when it is quiet
    // (eight pairs of 10 s: pair losses from -15 % to +23 %); shorter phases, closer together, see less of the drift, and
    // more pairs make their median steadier (sixteen gave a median of 3.9 % in one quiet run, 2.2 % in another of eight).
    private const int Pairs = 20;

    /// <summary>One pgbench phase: its TPS and mean latency, and the CPU the console process and the store's cluster used meanwhile.</summary>
    private sealed record Phase(double Tps, double LatencyMs, double ConsoleCpuSeconds);

    /// <summary>Runs <paramref name="measure"/> while the real sampler samples the target every second.</summary>
    private async Task<Phase> WithSamplerAsync(Func<Task<Phase>> measure)
    {
        using var running = new CancellationTokenSource();
        var sampling = Task.Run(() => Sampler().RunAsync(running.Token));
        var result = await measure();
        await running.CancelAsync();
        await sampling;
        return result;
    }

    private TargetLockSampler Sampler() => new(target, app.Service<IOptions<LockOptions>>().Value, app.Service<TargetConnections>(),
        app.Service<LockMonitor>(), app.Service<LockHistory>(), app.Service<OpsConsole.Domain.Live.LiveEvents>(),
        app.Service<Microsoft.EntityFrameworkCore.IDbContextFactory<OpsConsole.Domain.Data.OpsDbContext>>(),
        app.Service<OpsConsole.Domain.Telemetry.ConsoleMetrics>(), TimeProvider.System,
        Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    private static async Task<(double Median, double P95)> TickTimesAsync(TargetLockSampler sampler, NpgsqlConnection connection, int expectWaiting)
    {
        await sampler.SampleAsync(connection, default); // warm-up
        var times = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var clock = Stopwatch.StartNew();
            var sample = await sampler.SampleAsync(connection, default);
            times.Add(clock.Elapsed.TotalMilliseconds);
            // The deadlock detector (every deadlock_timeout) briefly wakes and requeues waiters: for a tick, one may
            // show no blocker and look like a second head. The holder's tree still holds (nearly) everyone.
            Assert.InRange(sample.Waiting, expectWaiting * 95 / 100, expectWaiting);
            Assert.InRange(sample.Graph.Trees.FirstOrDefault()?.Waiting ?? 0, expectWaiting * 90 / 100, expectWaiting);
        }
        times.Sort();
        return (times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.95) - 1]);
    }

    // Every phase starts from the same state: pgbench's own vacuum of its tables first (no -n: without it, dead rows
    // piled up through the run, and TPS drifted by a quarter between neighbouring phases on a quiet machine), and a
    // checkpoint, so that no phase pays for the writes of the one before. Autovacuum is off on this cluster for the same
    // reason: a worker that wakes in one phase of a pair and not the other would weigh on that pair's loss.
    private async Task<Phase> PgbenchPhaseAsync(TimeSpan phase)
    {
        await ExecuteAsync("CHECKPOINT");
        // The console's own process and the store's cluster: the pgbench runs outside both, so what they use is console work.
        double ConsoleCpu() => ProcessCpu.OfThisProcess() + ProcessCpu.OfCluster(postgres.Cluster.DataDirectory);
        var cpu = ConsoleCpu();
        var text = await PgbenchAsync("-c", "4", "-j", "2", "-T", ((int)phase.TotalSeconds).ToString());
        cpu = ConsoleCpu() - cpu;
        double Figure(string prefix) => double.Parse(text.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        return new Phase(Figure("tps = "), Figure("latency average = "), cpu);
    }

    private async Task<string> PgbenchAsync(params string[] args)
    {
        using var process = StartPgbench(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        return await stdout;
    }

    private Process StartPgbench(params string[] args)
    {
        var connection = new NpgsqlConnectionStringBuilder(cluster.ConnectionString("bench"));
        // pgbench sits beside the real pg_ctl (PATH may hold only symlinks to initdb and pg_ctl).
        var pgctl = PostgresBinaries.Locate().PgCtl;
        var folder = Path.GetDirectoryName(File.ResolveLinkTarget(pgctl, returnFinalTarget: true)?.FullName ?? pgctl)!;
        var start = new ProcessStartInfo(Path.Combine(folder, "pgbench"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = connection.Password },
        };
        foreach (var arg in (string[])["-h", connection.Host!, "-p", connection.Port.ToString(), "-U", connection.Username!, .. args, "bench"])
            start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    private Task ExecuteAsync(string sql) => Sql.ExecuteAsync(cluster.ConnectionString("bench"), sql);

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0.00")));

    private static double Median(List<double> values) =>
        values.Count % 2 == 1 ? values.Order().ElementAt(values.Count / 2) : values.Order().Skip(values.Count / 2 - 1).Take(2).Average();

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await cluster.DisposeAsync();
        PostgresClusterFixture.TryDelete(root);
    }
}
