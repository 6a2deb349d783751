using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Two consoles, one store, one target: background work runs once, so what happens on the target is told once,
/// and a console starting up leaves the other's running rollback alone.
/// </summary>
public sealed class TwoConsolesOneTargetTests(TwoConsolesOneTargetFixture fixture) : IClassFixture<TwoConsolesOneTargetFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnAlterSystemBehindTheirBacks_IsDetectedOnce_AndRollingItBackDetectsNothingMore()
    {
        await WaitForSnapshotAfterAsync(DateTimeOffset.MinValue);
        var since = DateTimeOffset.UtcNow;
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET default_transaction_isolation = 'serializable'", "SELECT pg_reload_conf()");

        await Poll.UntilAsync(() => DetectedSinceAsync(since), d => d.Count > 0, Wait, "a Detected change");
        // Two more passes of both consoles: neither may report it again, nor transaction_isolation, which mirrors it.
        await WaitForSnapshotAfterAsync(DateTimeOffset.UtcNow.AddSeconds(2));
        var change = Assert.Single(await DetectedSinceAsync(since));
        Assert.Equal(("default_transaction_isolation", "read committed", "serializable"), (change.Parameter, change.ValueBefore, change.ValueAfter));

        var outcome = await fixture.A.Service<RollbackProcedure>().RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Nobody asked for serializable"));
        Assert.True(outcome.Succeeded, outcome.Message);

        await WaitForSnapshotAfterAsync(DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal([change.Id], (await DetectedSinceAsync(since)).Select(c => c.Id));
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        Assert.Equal(ChangeStatus.RolledBack, (await db.Changes.SingleAsync(c => c.Id == change.Id, TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public async Task ARealDeadlock_IsCountedOnce_AndBothConsolesShowItLive()
    {
        using var onA = new Recorder(fixture.A);
        using var onB = new Recorder(fixture.B);
        await Poll.UntilAsync(() => Task.FromResult(onA.Ticks(fixture.TargetId).Count > 0 && onB.Ticks(fixture.TargetId).Count > 0), both => both, Wait,
            "lock ticks of the target on both consoles");
        // One console samples the target; the other shows its ticks, read through the store.
        var sampler = Assert.Single(new[] { fixture.A, fixture.B }, c => c.Service<StoreLocks>().Holds(LockSampler.SamplerLock(fixture.TargetId)));
        var follower = sampler == fixture.A ? onB : onA;
        Assert.All(follower.Ticks(fixture.TargetId), t => Assert.True(t.Remote));
        var before = await RecordedDeadlocksAsync();

        await using (var contention = await LockContention.StartAsync(fixture.TargetConnectionString))
        {
            var first = await contention.BeginAsync();
            var second = await contention.BeginAsync();
            await first.UpdateAsync(3);
            await second.UpdateAsync(4);
            var firstWaits = first.UpdateAsync(4);
            // While the first waits, the follower draws the wait from the snapshot the sampler stored.
            await Poll.UntilAsync(() => Task.FromResult(new[] { fixture.A, fixture.B }.All(c =>
                    c.Service<LockMonitor>().Latest(fixture.TargetId) is { } sample && sample.Graph.Edges.Any())),
                both => both, Wait, "the wait drawn on both consoles");
            var secondWaits = second.UpdateAsync(3);
            var outcomes = await Task.WhenAll(LockContention.OutcomeOf(firstWaits), LockContention.OutcomeOf(secondWaits));
            Assert.Single(outcomes, o => o == "40P01");
            await first.RollbackAsync();
            await second.RollbackAsync();
        }

        await Poll.UntilAsync(() => Task.FromResult((Deadlocks(onA), Deadlocks(onB))), n => n.Item1 > 0 && n.Item2 > 0, Wait, "the deadlock on both consoles");
        var samples = await RecordedSamplesAsync();
        await Poll.UntilAsync(RecordedSamplesAsync, n => n >= samples + 3, Wait, "three more ticks");
        Assert.Equal(before + 1, await RecordedDeadlocksAsync());
        Assert.Equal((1L, 1L), (Deadlocks(onA), Deadlocks(onB)));
    }

    [Fact]
    public async Task StartingAnotherConsole_DoesNotFailARunningRollback()
    {
        var ct = TestContext.Current.CancellationToken;
        // A rollback script that waits, without holding any lock, until the test opens the gate.
        await fixture.ExecuteOnTargetAsync("CREATE TABLE IF NOT EXISTS rollback_gate (opened boolean)", "TRUNCATE rollback_gate");
        var registry = fixture.A.Service<ChangeRegistry>();
        var change = await registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "COMMENT ON TABLE rollback_gate IS 'held rollback'",
            "DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM rollback_gate) LOOP PERFORM pg_sleep(0.05); END LOOP; END $$",
            new ChangeDetails("Comment the gate", "Held rollback test", null, ChangeRisk.Low, null), SubmitForReview: true), ct);
        await registry.ApproveAsync(fixture.Dba2, change.Id, "", ct);
        Assert.True((await fixture.A.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id, ct)).Succeeded);

        var rollback = fixture.A.Service<RollbackProcedure>().RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Held mid-flight"), null, ct);
        try
        {
            await Poll.UntilAsync(RollbackScriptWaitsAsync, waits => waits, Wait, "the rollback script waiting at the gate");

            await using var another = fixture.StartAnother();
            _ = another.BaseUrl; // its start-up recovery has run
            var self = another.Service<ConsoleInstance>().Id;
            // And its periodic recovery too: it runs after each heartbeat, and a later beat shows that one finished.
            await Poll.UntilAsync(() => HeartbeatsSinceStartAsync(self), beats => beats >= TimeSpan.FromSeconds(1.5), Wait, "the new console's heartbeats");
            Assert.Equal(RollbackRunStatus.Running, await RunStatusAsync(change.Id));
            Assert.False(rollback.IsCompleted);
        }
        finally
        {
            await fixture.ExecuteOnTargetAsync("INSERT INTO rollback_gate VALUES (true)");
        }

        var outcome = await rollback;
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(RollbackRunStatus.Succeeded, await RunStatusAsync(change.Id));
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == "rollback.interrupted" && e.Subject == $"change:{change.Number}", ct));
    }

    [Fact]
    public async Task ARollbackOfAnInstanceThatStoppedHeartbeating_IsFailedByTheConsolesStillRunning()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = fixture.A.Service<ChangeRegistry>();
        var change = await registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "COMMENT ON DATABASE shop IS 'gone instance'", "COMMENT ON DATABASE shop IS NULL",
            new ChangeDetails("Comment the database", "Gone instance test", null, ChangeRisk.Low, null), SubmitForReview: true), ct);
        await registry.ApproveAsync(fixture.Dba2, change.Id, "", ct);
        Assert.True((await fixture.A.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id, ct)).Succeeded);
        var gone = Guid.NewGuid();
        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO console_instances (\"Id\", \"Host\", \"StartedAt\", \"HeartbeatAt\") VALUES ({gone}, 'killed', now() - interval '1 minute', now() - interval '1 minute')", ct);
            db.RollbackRuns.Add(new RollbackRun(change.Id, gone, "oncall", "its console was killed", false, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(ct);
        }

        // Nobody calls recovery here: the running consoles' periodic check finds it.
        await Poll.UntilAsync(() => RunStatusAsync(change.Id), s => s == RollbackRunStatus.Interrupted, Wait, "the orphaned run marked interrupted");
        await using var check = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        Assert.Equal(ChangeStatus.RollbackFailed, (await check.Changes.SingleAsync(c => c.Id == change.Id, ct)).Status);
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == "rollback.interrupted" && e.Subject == $"change:{change.Number}", ct));
    }

    private long Deadlocks(Recorder recorder) => recorder.Ticks(fixture.TargetId).Sum(t => t.Deadlocks);

    private async Task<bool> RollbackScriptWaitsAsync() => (bool)(await fixture.ScalarOnTargetAsync(
        "SELECT count(*) > 0 FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'DO $$ BEGIN WHILE NOT EXISTS%' AND pid <> pg_backend_pid()"))!;

    private async Task<TimeSpan> HeartbeatsSinceStartAsync(Guid instance)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Instances.Where(i => i.Id == instance).Select(i => i.HeartbeatAt - i.StartedAt).FirstOrDefaultAsync();
    }

    private async Task<RollbackRunStatus> RunStatusAsync(Guid changeId)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.RollbackRuns.Where(r => r.ChangeId == changeId).OrderByDescending(r => r.StartedAt).Select(r => r.Status).FirstAsync();
    }

    private async Task<List<ConfigChange>> DetectedSinceAsync(DateTimeOffset since)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Changes.Where(c => c.TargetId == fixture.TargetId && c.DetectedAt >= since).ToListAsync();
    }

    private async Task WaitForSnapshotAfterAsync(DateTimeOffset at) =>
        await Poll.UntilAsync(async () =>
        {
            await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
            return await db.SettingSnapshots.Where(s => s.TargetId == fixture.TargetId).Select(s => s.TakenAt).FirstOrDefaultAsync();
        }, taken => taken > at, Wait, $"a drift snapshot after {at:O}");

    private async Task<long> RecordedDeadlocksAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.LockMinutes.Where(m => m.TargetId == fixture.TargetId).SumAsync(m => m.Deadlocks);
    }

    private async Task<int> RecordedSamplesAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.LockMinutes.Where(m => m.TargetId == fixture.TargetId).SumAsync(m => m.Samples);
    }

    /// <summary>Everything one instance's bus carries while the test runs.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly ConcurrentQueue<OpsEvent> events = new();
        private readonly IDisposable subscription;

        public Recorder(ConsoleApp app) =>
            subscription = app.Service<LiveEvents>().Subscribe(e => { events.Enqueue(e); return Task.CompletedTask; });

        public IReadOnlyList<OpsEvent> All => [.. events];

        public List<LocksSampled> Ticks(Guid targetId) => All.OfType<LocksSampled>().Where(t => t.TargetId == targetId).ToList();

        public void Dispose() => subscription.Dispose();
    }
}
