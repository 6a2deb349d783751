using System.Diagnostics;
using OpsConsole.Domain.Locks;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Wait-for graph build (trees, cycles, layout) for 100, 1,000 and 10,000 lock rows: the work the Locks
/// page and sampler do per tick. Shape: many blocking trees of 10 sessions, one row in 20 a duplicate
/// (a row lock and its transaction lock), and a deadlock pair in every 50 sessions.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class WaitForGraphBenchmark(ITestOutputHelper output)
{
    [Benchmark]
    public void GraphBuild()
    {
        var figures = new Dictionary<string, double>();
        foreach (var rows in new[] { 100, 1_000, 10_000 })
        {
            var (backends, waits) = Sample(rows);
            WaitForGraph.Build(backends, waits).Layout(); // warm-up: JIT and first allocations
            var times = new List<double>();
            for (var run = 0; run < 21; run++)
            {
                var clock = Stopwatch.StartNew();
                var graph = WaitForGraph.Build(backends, waits);
                _ = graph.Layout();
                times.Add(clock.Elapsed.TotalMilliseconds);
                Assert.NotEmpty(graph.Trees);
                Assert.NotEmpty(graph.Cycles);
            }
            times.Sort();
            figures[rows.ToString()] = times[times.Count / 2];
        }
        BenchmarkFigures.Report(output, "graph.json", figures);
    }

    private static (List<Backend>, List<LockWait>) Sample(int rows)
    {
        var backends = new List<Backend>();
        var waits = new List<LockWait>();
        var pid = 1000;
        while (waits.Count < rows)
        {
            var head = pid++;
            backends.Add(new Backend(head, "shop", "checkout", "10.0.0.1", "idle in transaction", TimeSpan.FromSeconds(5), null, "UPDATE inventory SET …"));
            for (var i = 0; i < 9 && waits.Count < rows; i++)
            {
                var waiter = pid++;
                backends.Add(new Backend(waiter, "shop", "checkout", "10.0.0.2", "active", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(800), "UPDATE inventory SET …"));
                waits.Add(new LockWait(waiter, i == 0 ? head : waiter - 1, "ShareLock", $"transaction {waiter}"));
                if (waits.Count % 20 == 0)
                    waits.Add(new LockWait(waiter, i == 0 ? head : waiter - 1, "ExclusiveLock", "tuple (0,1) of inventory"));
            }
            if (pid % 50 < 10 && waits.Count + 2 <= rows)
            {
                var (a, b) = (pid++, pid++);
                waits.Add(new LockWait(a, b, "ShareLock", $"transaction {b}"));
                waits.Add(new LockWait(b, a, "ShareLock", $"transaction {a}"));
            }
        }
        return (backends, waits);
    }
}
