using System.Text.Json;
using OpsConsole.Domain.Locks;

namespace OpsConsole.Tests.Domain;

/// <summary>A capped wait-for graph: a bounded number of sessions in full, the figures of the whole graph exact.</summary>
public sealed class WaitForGraphCapTests
{
    private static Backend Session(int pid, double waitSeconds = 1) =>
        new(pid, "shop", "checkout", "10.0.0.1", "active", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(waitSeconds), $"UPDATE inventory -- {pid}");

    private static WaitForGraph Graph(IEnumerable<(int Waiter, int Blocker)> waits, Func<int, Backend>? session = null)
    {
        var list = waits.ToList();
        return WaitForGraph.Build(list.SelectMany(w => new[] { w.Waiter, w.Blocker }).Distinct().Select(session ?? (pid => Session(pid))).ToList(),
            list.Select(w => new LockWait(w.Waiter, w.Blocker, "ExclusiveLock", "tuple (0,1) of inventory")).ToList());
    }

    /// <summary>A row held by 1, the tuple lock by 2 (waiting on 1), and sessions 3.. queued on the tuple lock, held by 2.</summary>
    private static IEnumerable<(int, int)> QueueOnOneRow(int waiters) => [(2, 1), .. Enumerable.Range(3, waiters - 1).Select(w => (w, 2))];

    [Fact]
    public void AGraphWithinTheCap_IsKeptWhole()
    {
        var graph = Graph(QueueOnOneRow(50));

        Assert.Same(graph, graph.Capped(200));
        Assert.Null(graph.Omitted);
    }

    [Fact]
    public void AThousandSessionsQueuedOnOneRow_KeepTheCap_AndTheirHeadAndTreeSizesExact()
    {
        var full = Graph(QueueOnOneRow(1000));

        var capped = full.Capped(200);

        Assert.Equal(200, capped.Nodes.Count);
        Assert.Equal(1001, capped.SessionCount);
        Assert.Equal([1], capped.HeadBlockers);
        Assert.Equal(new BlockingTree(1, 1000), Assert.Single(capped.Trees));
        Assert.Equal(1000, capped.WaitingBehind(1));
        Assert.Equal(999, capped.WaitingBehind(2));
        Assert.Equal(999, capped.BlocksDirectly(2));
        Assert.Equal(198, capped.WaitersOf(2).Count);
        Assert.Equal(801, capped.Omitted!.Sessions);
        Assert.Equal(801, capped.Omitted.Waits);
        Assert.Equal(0, capped.Omitted.Heads);
    }

    [Fact]
    public void TheCap_KeepsTheLongestWaitingOfALayerFirst()
    {
        var full = Graph(QueueOnOneRow(20), pid => Session(pid, waitSeconds: pid == 7 ? 60 : 1));

        var capped = full.Capped(10);

        Assert.Contains(7, capped.Nodes.Keys);
        Assert.Equal(new BlockingTree(1, 20), Assert.Single(capped.Trees));
    }

    [Fact]
    public void TheCap_KeepsCyclesWhole_AndEveryHeadWithAWaiter_BeforeFillingTheTrees()
    {
        // A deadlock forming (1 <-> 2), one big tree under 10, and five small trees under 20, 30, ...
        (int, int)[] cycle = [(1, 2), (2, 1)];
        var bigTree = Enumerable.Range(100, 50).Select(w => (w, 10));
        var smallTrees = Enumerable.Range(2, 5).Select(i => (i * 10 + 1, i * 10));
        var full = Graph([.. cycle, .. bigTree, .. smallTrees]);

        var capped = full.Capped(16);

        Assert.Equal([1, 2], Assert.Single(capped.Cycles));
        Assert.Equal([10, 20, 30, 40, 50, 60], capped.HeadBlockers);
        Assert.Equal(new BlockingTree(10, 50), capped.Trees[0]);
        Assert.Equal(16, capped.Nodes.Count);
    }

    [Fact]
    public void HeadsBeyondTheCap_AreCounted()
    {
        var full = Graph(Enumerable.Range(1, 30).Select(i => (i * 10 + 1, i * 10)));

        var capped = full.Capped(10);

        Assert.Equal(5, capped.HeadBlockers.Count);
        Assert.Equal(30, capped.HeadBlockerCount);
        Assert.Equal(25, capped.Omitted!.Heads);
        Assert.All(capped.Trees, t => Assert.Equal(1, t.Waiting));
    }

    [Fact]
    public void EveryKeptWaiter_KeepsOneOfItsBlockers_SoNoFalseHeadAppears()
    {
        // A long chain 1 <- 2 <- ... <- 40 with a side queue on every link: whatever is cut, the rest hangs from 1.
        var chain = Enumerable.Range(2, 39).Select(w => (w, w - 1));
        var sides = Enumerable.Range(1, 40).SelectMany(b => Enumerable.Range(0, 3).Select(k => (1000 + b * 10 + k, b)));
        var full = Graph([.. chain, .. sides]);

        var capped = full.Capped(25);

        Assert.Equal([1], capped.HeadBlockers);
        Assert.Equal(full.Trees, capped.Trees);
        Assert.All(capped.Nodes.Keys.Where(pid => pid != 1), pid => Assert.NotEmpty(capped.BlockersOf(pid)));
    }

    [Fact]
    public void ACappedSnapshot_StoredAndReadBack_KeepsItsExactFigures()
    {
        var capped = Graph(QueueOnOneRow(500)).Capped(50);
        var sample = new LockSample(Guid.NewGuid(), DateTimeOffset.UtcNow, 500, TimeSpan.FromSeconds(1), capped, 0, 0, TimeSpan.Zero);

        var json = JsonSerializer.Serialize(new LockSnapshot(sample).Graph, JsonSerializerOptions.Web);
        var read = JsonSerializer.Deserialize<LockGraphData>(json, JsonSerializerOptions.Web)!;
        var graph = WaitForGraph.Build(read.Backends, read.Waits, read.Omitted);

        Assert.Equal(new BlockingTree(1, 500), Assert.Single(graph.Trees));
        Assert.Equal(499, graph.BlocksDirectly(2));
        Assert.Equal(501, graph.SessionCount);
    }
}
