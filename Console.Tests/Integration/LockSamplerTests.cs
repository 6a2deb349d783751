using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Locks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>The lock sampler against a real target (sampled every second), with real sessions waiting on each other.</summary>
public sealed class LockSamplerTests(TargetFixture fixture, ITestOutputHelper output) : IClassFixture<TargetFixture>
{
    private LockMonitor Monitor => fixture.App.Service<LockMonitor>();

    [Fact]
    public async Task AChainOfThreeSessions_IsOneTreeWithItsHead_AndGoneWhenReleased()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var a = await contention.BeginAsync();
        var b = await contention.BeginAsync();
        var c = await contention.BeginAsync();
        await a.UpdateAsync(1);
        await b.UpdateAsync(2);
        var bWaits = b.UpdateAsync(1); // B waits for A
        var cWaits = c.UpdateAsync(2); // C waits for B
        var clock = Stopwatch.StartNew();

        var sample = await Poll.UntilAsync(() => Task.FromResult(Monitor.Latest(fixture.TargetId)),
            s => s?.Graph.Trees.Any(t => t.HeadPid == a.Pid && t.Waiting == 2) == true, TimeSpan.FromSeconds(30), "the chain A <- B <- C");
        output.WriteLine($"chain seen after {clock.ElapsedMilliseconds} ms");

        var graph = sample!.Graph;
        Assert.Equal([a.Pid], graph.HeadBlockers);
        Assert.Single(graph.Trees);
        Assert.Empty(graph.Cycles);
        Assert.Equal(2, sample.Waiting);
        Assert.Equal([a.Pid], graph.BlockersOf(b.Pid));
        Assert.Equal([b.Pid], graph.BlockersOf(c.Pid));
        var wait = graph.Edges.Single(e => e.WaiterPid == b.Pid);
        Assert.Equal("ShareLock", wait.Mode);
        Assert.StartsWith("transaction ", wait.LockedObject);
        Assert.Contains("UPDATE lock_demo", graph.Nodes[c.Pid].Query);
        Assert.Equal("lock test", graph.Nodes[a.Pid].Application);

        await a.RollbackAsync();
        await bWaits;
        await b.RollbackAsync();
        await cWaits;
        await c.RollbackAsync();
        await Poll.UntilAsync(() => Task.FromResult(Monitor.Latest(fixture.TargetId)), s => s is { Waiting: 0 } && s.Graph.IsEmpty && s.At > sample.At,
            TimeSpan.FromSeconds(30), "the chain to clear");

        // History is sparse: the ticks that saw the chain were kept in full, the quiet ones only in the minute figures.
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var snapshots = await db.LockSnapshots.Where(s => s.TargetId == fixture.TargetId).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(snapshots, s => s.Waiting == 2 && s.ToGraph().HeadBlockers.SequenceEqual([a.Pid]));
        Assert.DoesNotContain(snapshots, s => s.Waiting == 0 && s.Deadlocks == 0);
        var minutes = await db.LockMinutes.Where(m => m.TargetId == fixture.TargetId).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(minutes, m => m.MaxWaiting >= 2 && m.Samples > 1);
    }

    [Fact]
    public async Task FiftySessionsQueuedOnOneRow_AreOneTreeOfFifty_WithOneWaitEach()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var holder = await contention.BeginAsync();
        await holder.UpdateAsync(5);
        var queue = new List<LockContention.Session>();
        for (var i = 0; i < 50; i++)
        {
            var session = await contention.BeginAsync();
            _ = LockContention.OutcomeOf(session.UpdateAsync(5));
            queue.Add(session);
        }

        var sample = await Poll.UntilAsync(() => Task.FromResult(Monitor.Latest(fixture.TargetId)),
            s => s is { Waiting: 50 } && s.Graph.Trees.Any(t => t.Waiting == 50), TimeSpan.FromSeconds(60), "50 sessions queued behind the holder");

        var graph = sample!.Graph;
        Assert.Equal([holder.Pid], graph.HeadBlockers);
        Assert.Equal(new BlockingTree(holder.Pid, 50), Assert.Single(graph.Trees));
        // The first in the queue holds the row's tuple lock and waits on the holder's transaction; the other 49 wait
        // on that tuple lock, held by the first. One wait each, not one per session queued ahead (1,225).
        Assert.Equal(50, graph.Edges.Count);
        var first = Assert.Single(graph.WaitersOf(holder.Pid));
        Assert.Contains(first, queue.Select(q => q.Pid));
        Assert.StartsWith("transaction ", graph.Edges.Single(e => e.WaiterPid == first).LockedObject);
        Assert.All(graph.Edges.Where(e => e.WaiterPid != first), e => Assert.Equal((first, "tuple (0,5) of lock_demo"), (e.BlockerPid, e.LockedObject)));
        Assert.Null(graph.Omitted);
    }

    [Fact]
    public async Task ATwoSessionCycle_ShowsAsADeadlockForming_BeforePostgresBreaksIt()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var first = await contention.BeginAsync();
        var second = await contention.BeginAsync();
        // Each waiting session checks for a deadlock after its own deadlock_timeout: long enough for the sampler to see it.
        await first.ExecuteAsync("SET LOCAL deadlock_timeout = '60s'");
        await second.ExecuteAsync("SET LOCAL deadlock_timeout = '60s'");
        await first.UpdateAsync(3);
        await second.UpdateAsync(4);
        var firstWaits = LockContention.OutcomeOf(first.UpdateAsync(4));
        var secondWaits = LockContention.OutcomeOf(second.UpdateAsync(3));

        var sample = await Poll.UntilAsync(() => Task.FromResult(Monitor.Latest(fixture.TargetId)),
            s => s?.Graph.Cycles.Count == 1, TimeSpan.FromSeconds(30), "the cycle between the two sessions");

        Assert.Equal(new[] { first.Pid, second.Pid }.Order(), Assert.Single(sample!.Graph.Cycles));
        Assert.Empty(sample.Graph.HeadBlockers);
        Assert.Equal([second.Pid], sample.Graph.BlockersOf(first.Pid));
        Assert.Equal([first.Pid], sample.Graph.BlockersOf(second.Pid));
        // Ending the cycle by hand: the first one's statement cancelled and its transaction rolled back frees the second.
        await using (var admin = new NpgsqlConnection(fixture.TargetConnectionString))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var cancel = new NpgsqlCommand($"SELECT pg_cancel_backend({first.Pid})", admin);
            await cancel.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        Assert.Equal("57014", await firstWaits);
        await first.RollbackAsync();
        Assert.Equal("ok", await secondWaits);
    }

    [Fact]
    public async Task SessionsQueuedBehindATableLockThatWaits_HangFromIt_AndNotFromEachOther()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var reader = await contention.BeginAsync();
        await reader.ExecuteAsync("SELECT count(*) FROM lock_demo");
        var alter = await contention.BeginAsync();
        var alterWaits = LockContention.OutcomeOf(alter.ExecuteAsync("LOCK TABLE lock_demo IN ACCESS EXCLUSIVE MODE"));
        await Poll.UntilAsync(() => Task.FromResult(Monitor.Latest(fixture.TargetId)), s => s?.Graph.BlockersOf(alter.Pid).Count == 1,
            TimeSpan.FromSeconds(30), "the table lock waiting for the reader");
        // These two conflict with the waiting table lock and with each other, not with the reader: no holder blocks
        // them, only the requests queued ahead (pg_blocking_pids names the table lock and, for the second, the first).
        var second = await contention.BeginAsync();
        var secondWaits = LockContention.OutcomeOf(second.ExecuteAsync("LOCK TABLE lock_demo IN SHARE ROW EXCLUSIVE MODE"));
        await Poll.UntilAsync(() => Task.FromResult(Monitor.Latest(fixture.TargetId)), s => s?.Graph.BlockersOf(second.Pid).Count == 1,
            TimeSpan.FromSeconds(30), "the second table lock queued");
        var third = await contention.BeginAsync();
        var thirdWaits = LockContention.OutcomeOf(third.ExecuteAsync("LOCK TABLE lock_demo IN SHARE ROW EXCLUSIVE MODE"));

        var sample = await Poll.UntilAsync(() => Task.FromResult(Monitor.Latest(fixture.TargetId)), s => s is { Waiting: 3 } && s.Graph.Trees.Count == 1
            && s.Graph.BlockersOf(third.Pid).Count > 0, TimeSpan.FromSeconds(30), "three sessions queued on the table");

        var graph = sample!.Graph;
        Assert.Equal(new BlockingTree(reader.Pid, 3), Assert.Single(graph.Trees));
        Assert.Equal([reader.Pid], graph.BlockersOf(alter.Pid));
        Assert.Equal([alter.Pid], graph.BlockersOf(second.Pid));
        Assert.Equal([alter.Pid], graph.BlockersOf(third.Pid));
        await reader.RollbackAsync();
        Assert.Equal("ok", await alterWaits);
        await alter.RollbackAsync();
        Assert.Equal("ok", await secondWaits);
        await second.RollbackAsync();
        Assert.Equal("ok", await thirdWaits);
    }

    [Fact]
    public async Task ARealDeadlock_IncreasesTheRecordedDeadlockCount()
    {
        var before = await RecordedDeadlocksAsync();
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var first = await contention.BeginAsync();
        var second = await contention.BeginAsync();
        await first.UpdateAsync(3);
        await second.UpdateAsync(4);
        var firstWaits = first.UpdateAsync(4);
        var secondWaits = second.UpdateAsync(3);

        // deadlock_timeout (1 s by default) later, PostgreSQL cancels one of the two with 40P01.
        var outcomes = await Task.WhenAll(LockContention.OutcomeOf(firstWaits), LockContention.OutcomeOf(secondWaits));
        Assert.Single(outcomes, o => o == "40P01");
        Assert.Single(outcomes, o => o == "ok");
        await first.RollbackAsync();
        await second.RollbackAsync();

        var after = await Poll.UntilAsync(RecordedDeadlocksAsync, n => n > before, TimeSpan.FromSeconds(15), "the deadlock in the lock history");
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task LockMinutes_KeepTheMostWaitingAndAddUpDeadlocks_AndPruningKeepsWhatIsInRetention()
    {
        var history = fixture.App.Service<LockHistory>();
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        var minute = new DateTimeOffset(old.Year, old.Month, old.Day, old.Hour, old.Minute, 0, TimeSpan.Zero);
        await history.RecordAsync(new LockSample(fixture.TargetId, minute.AddSeconds(1), 3, TimeSpan.FromSeconds(2), WaitForGraph.Build([], []), 1, 0, TimeSpan.Zero),
            TestContext.Current.CancellationToken);
        await history.RecordAsync(new LockSample(fixture.TargetId, minute.AddSeconds(2), 1, TimeSpan.FromSeconds(5), WaitForGraph.Build([], []), 2, 0, TimeSpan.Zero),
            TestContext.Current.CancellationToken);

        var stored = Assert.Single(await history.MinutesAsync(fixture.TargetId, minute, minute.AddMinutes(1), TestContext.Current.CancellationToken));
        Assert.Equal((3, 5000.0, 3L, 2), (stored.MaxWaiting, stored.LongestWaitMs, stored.Deadlocks, stored.Samples));
        Assert.Equal(2, (await history.MarksAsync(fixture.TargetId, minute, minute.AddMinutes(1), ct: TestContext.Current.CancellationToken)).Count);

        Assert.True((await history.PruneAsync(TestContext.Current.CancellationToken)).Rows >= 3);
        Assert.Empty(await history.MinutesAsync(fixture.TargetId, minute, minute.AddMinutes(1), TestContext.Current.CancellationToken));
        Assert.NotEmpty(await history.MinutesAsync(fixture.TargetId, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1),
            TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LockTimeoutsReportedByCheckout_CountInTheTargetsMinute()
    {
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        await Poll.UntilAsync(() => fixture.App.Service<LockHistory>().MinutesAsync(fixture.TargetId, minute, minute.AddMinutes(1)), m => m.Count == 1,
            TimeSpan.FromSeconds(30), "this minute's lock figures");
        CheckoutEvent Failed(string errorClass, string? target) =>
            new(Guid.NewGuid().ToString(), now, CheckoutOutcome.Failed, errorClass, "55P03", 5000, Target: target);
        await fixture.App.Service<ICheckoutEventSink>().StoreAsync(
            [Failed(ErrorClasses.DbLockTimeout, "shop"), Failed(ErrorClasses.DbLockTimeout, "shop"), Failed(ErrorClasses.DbLockTimeout, "other"),
             Failed(ErrorClasses.DbDeadlock, "shop")], TestContext.Current.CancellationToken);

        var figures = await fixture.App.Service<LockHistory>().MinutesAsync(fixture.TargetId, minute, minute.AddMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(2, Assert.Single(figures).LockTimeouts);
    }

    private async Task<long> RecordedDeadlocksAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.LockMinutes.Where(m => m.TargetId == fixture.TargetId).SumAsync(m => m.Deadlocks);
    }
}
