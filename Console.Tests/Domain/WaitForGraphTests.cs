using OpsConsole.Domain.Locks;

namespace OpsConsole.Tests.Domain;

public sealed class WaitForGraphTests
{
    private static Backend Session(int pid) => new(pid, "shop", "checkout", "10.0.0.1", "active", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), $"UPDATE inventory -- {pid}");

    /// <summary>Builds a graph from "waiter->blocker" pairs.</summary>
    private static WaitForGraph Graph(params (int Waiter, int Blocker)[] waits) =>
        WaitForGraph.Build(waits.SelectMany(w => new[] { w.Waiter, w.Blocker }).Distinct().Select(Session).ToList(),
            waits.Select(w => new LockWait(w.Waiter, w.Blocker, "RowExclusiveLock", "inventory")).ToList());

    [Fact]
    public void AChain_HasOneHeadBlocker_WithEveryoneBehindIt()
    {
        // C waits for B, B waits for A: A blocks the whole chain.
        var graph = Graph((2, 1), (3, 2));

        Assert.Equal([1], graph.HeadBlockers);
        Assert.Equal(new BlockingTree(1, 2), Assert.Single(graph.Trees));
        Assert.Equal(1, graph.WaitingBehind(2));
        Assert.Equal(0, graph.WaitingBehind(3));
        Assert.Empty(graph.Cycles);
    }

    [Fact]
    public void IndependentTrees_AreListedLargestFirst()
    {
        var graph = Graph((11, 10), (20, 10), (21, 20), (31, 30));

        Assert.Equal([new BlockingTree(10, 3), new BlockingTree(30, 1)], graph.Trees);
    }

    [Fact]
    public void ATwoSessionCycle_IsADeadlock_AndHasNoHeadBlocker()
    {
        var graph = Graph((1, 2), (2, 1));

        Assert.Equal([1, 2], Assert.Single(graph.Cycles));
        Assert.Empty(graph.HeadBlockers);
    }

    [Fact]
    public void AThreeSessionCycle_WithAWaiterOutsideIt_IsFoundWithoutTheWaiter()
    {
        var graph = Graph((1, 2), (2, 3), (3, 1), (4, 1));

        Assert.Equal([1, 2, 3], Assert.Single(graph.Cycles));
        Assert.Equal(3, graph.WaitingBehind(1));
    }

    [Fact]
    public void TwoCyclesAndAChain_AreToldApart()
    {
        var graph = Graph((1, 2), (2, 1), (5, 6), (6, 7), (7, 5), (9, 8));

        Assert.Equal([[1, 2], [5, 6, 7]], graph.Cycles.OrderBy(c => c[0]));
        Assert.Equal([8], graph.HeadBlockers);
    }

    [Fact]
    public void RepeatedLockRowsBetweenTwoSessions_MakeOneEdge()
    {
        var graph = WaitForGraph.Build([Session(1), Session(2)],
            [new LockWait(2, 1, "ShareLock", "transaction 901"), new LockWait(2, 1, "ExclusiveLock", "tuple (0,1) of inventory")]);

        Assert.Equal("ShareLock", Assert.Single(graph.Edges).Mode);
    }

    [Fact]
    public void RepeatedLockRows_KeepTheFirstRowPerPair_InRowOrder()
    {
        var graph = WaitForGraph.Build([Session(1), Session(2), Session(3)],
            [new LockWait(2, 1, "ShareLock", "transaction 1"), new LockWait(3, 1, "ShareLock", "transaction 1"),
             new LockWait(2, 1, "ExclusiveLock", "tuple (0,1) of inventory"), new LockWait(1, 2, "ShareLock", "transaction 2")]);

        Assert.Equal([(2, 1, "ShareLock"), (3, 1, "ShareLock"), (1, 2, "ShareLock")], graph.Edges.Select(e => (e.WaiterPid, e.BlockerPid, e.Mode)));
    }

    [Fact]
    public void SessionsKnownOnlyFromLocks_GetANode()
    {
        var graph = WaitForGraph.Build([Session(2)], [new LockWait(2, 1, "ShareLock", "transaction 7")]);

        Assert.Equal("unknown", graph.Nodes[1].State);
        Assert.Equal([1], graph.HeadBlockers);
    }

    [Fact]
    public void NoWaits_IsAnEmptyGraph()
    {
        var graph = WaitForGraph.Build([Session(1), Session(2)], []);

        Assert.True(graph.IsEmpty);
        Assert.Empty(graph.Trees);
        Assert.Empty(graph.Layout().Layers);
    }

    [Fact]
    public void Layout_PutsHeadsFirst_WaitersBelow_AndNoTwoSessionsInOneSlot()
    {
        var graph = Graph((2, 1), (3, 1), (4, 2), (11, 10), (20, 21), (21, 20), (22, 20));

        var layout = graph.Layout();

        Assert.Equal(new NodePosition(0, 0), layout.Positions[1]);
        Assert.Equal(1, layout.Positions[2].Layer);
        Assert.Equal(2, layout.Positions[4].Layer);
        Assert.Equal(0, layout.Positions[20].Layer);
        Assert.Equal(graph.Nodes.Count, layout.Positions.Count);
        Assert.Equal(layout.Positions.Count, layout.Positions.Values.Distinct().Count());
        Assert.All(graph.Edges.Where(e => !graph.Cycles.Any(c => c.Contains(e.WaiterPid))),
            e => Assert.True(layout.Positions[e.WaiterPid].Layer > layout.Positions[e.BlockerPid].Layer));
    }

    [Fact]
    public void ALongChain_IsHandledWithoutRecursion()
    {
        var waits = Enumerable.Range(1, 10_000).Select(i => (i + 1, i)).ToArray();

        var graph = Graph(waits);

        Assert.Equal(new BlockingTree(1, 10_000), Assert.Single(graph.Trees));
        Assert.Equal(10_000, graph.Layout().Layers.Count - 1);
    }

    [Fact]
    public void AChainListedFromItsTail_IsWalkedWithoutRecursion()
    {
        // Listed tail first, the cycle search has to walk the whole chain from its first session.
        var waits = Enumerable.Range(1, 10_000).Reverse().Select(i => (i + 1, i)).ToArray();

        var graph = Graph(waits);

        Assert.Empty(graph.Cycles);
        Assert.Equal([1], graph.HeadBlockers);
        Assert.Equal(10_000, graph.WaitingBehind(1));
    }

    [Fact]
    public void ALongCycle_IsOneDeadlock_LaidOutFromItsLowestPid()
    {
        var waits = Enumerable.Range(1, 10_000).Select(i => (i, i % 10_000 + 1)).ToArray();

        var graph = Graph(waits);

        Assert.Equal(Enumerable.Range(1, 10_000), Assert.Single(graph.Cycles));
        Assert.Empty(graph.HeadBlockers);
        Assert.Equal(new NodePosition(0, 0), graph.Layout().Positions[1]);
        Assert.Equal(10_000, graph.Layout().Layers.Count);
    }

    [Fact]
    public void ACycleWithATailWaitingBehindIt_HasTheTailBelowTheCycle()
    {
        // 3 waits on the deadlocked pair, 4 waits on 3.
        var graph = Graph((1, 2), (2, 1), (3, 1), (4, 3));

        var layout = graph.Layout();

        Assert.Equal([1, 2], Assert.Single(graph.Cycles));
        Assert.Empty(graph.HeadBlockers);
        Assert.Equal(3, graph.WaitingBehind(1));
        Assert.Equal([[1], [2, 3], [4]], layout.Layers);
    }

    [Fact]
    public void ASessionWaitingOnItself_IsACycleOfOne_AndNoHeadBlocker()
    {
        var graph = Graph((1, 1), (2, 1));

        Assert.Equal([1], Assert.Single(graph.Cycles));
        Assert.Empty(graph.HeadBlockers);
        Assert.Equal(new NodePosition(1, 0), graph.Layout().Positions[2]);
    }

    [Fact]
    public void ASessionWaitingOnTwoHeads_CountsInBothTrees()
    {
        var graph = Graph((3, 1), (3, 2), (4, 3), (5, 1));

        Assert.Equal([new BlockingTree(1, 3), new BlockingTree(2, 2)], graph.Trees);
        Assert.Equal([1, 2], graph.BlockersOf(3));
        Assert.Equal([3, 5], graph.WaitersOf(1));
    }

    [Fact]
    public void SessionsOutsideTheGraph_HaveNoBlockersWaitersOrTree()
    {
        var graph = WaitForGraph.Build([Session(1), Session(2), Session(9)], [new LockWait(2, 1, "ShareLock", "transaction 1")]);

        Assert.Equal(0, graph.WaitingBehind(9));
        Assert.Equal(0, graph.WaitingBehind(404));
        Assert.Empty(graph.BlockersOf(404));
        Assert.Empty(graph.WaitersOf(404));
        Assert.False(graph.Layout().Positions.ContainsKey(9));
        Assert.Equal([1, 2, 9], graph.Nodes.Keys);
    }

    [Fact]
    public void Layout_IsComputedOnce()
    {
        var graph = Graph((2, 1));

        Assert.Same(graph.Layout(), graph.Layout());
    }
}
