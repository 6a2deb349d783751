using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>After a rehearsal, staging's settings are exactly as before: also when the console stopped midway.</summary>
[Collection(StagingCollection.Name)]
public sealed class StagingRevertTests(StagingFixture fixture)
{
    private static readonly TimeSpan RevertDeadline = TimeSpan.FromSeconds(60);

    private async Task<Target> StagingAsync() => await fixture.App.Service<TargetRegistry>().GetAsync(fixture.TargetId);

    [Fact]
    public async Task Restore_AfterThreeAlterSystemChanges_LeavesAllOfPgSettingsAsBefore()
    {
        // Staging had ALTER SYSTEM entries of its own, a quoted list among them: they must come back as they were.
        await fixture.AlterSystemAsync("ALTER SYSTEM SET deadlock_timeout = '2s'", "ALTER SYSTEM SET search_path = '$user', 'public', 'a b'");
        try
        {
            var staging = await StagingAsync();
            var restorer = fixture.App.Service<SettingsRestorer>();
            var before = await fixture.PgSettingsAsync();
            var fileBefore = fixture.AutoConfLines();
            var snapshot = await restorer.SnapshotAsync(staging);
            Assert.Equal(SettingsSnapshot.FromFile, snapshot.AutoConfSource);

            await fixture.AlterSystemAsync("ALTER SYSTEM SET deadlock_timeout = '30s'", "ALTER SYSTEM SET work_mem = '64MB'",
                "ALTER SYSTEM RESET search_path");
            await Poll.UntilAsync(() => fixture.ShowAsync("work_mem"), v => v == "64MB", TimeSpan.FromSeconds(10), "the rehearsal's change to show");
            Assert.NotEqual(before, await fixture.PgSettingsAsync());

            var result = await restorer.RestoreAsync(staging, snapshot);

            Assert.True(result.Exact, result.Summary);
            Assert.Equal(3, result.Statements.Count);
            Assert.Equal(before, await fixture.PgSettingsAsync());
            Assert.Equal(fileBefore, fixture.AutoConfLines());
        }
        finally
        {
            await fixture.AlterSystemAsync("ALTER SYSTEM RESET deadlock_timeout", "ALTER SYSTEM RESET search_path", "ALTER SYSTEM RESET work_mem");
        }
    }

    [Fact]
    public async Task Restore_OfASettingThatNeedsARestart_SaysSoAndDoesNotRestart()
    {
        var staging = await StagingAsync();
        var restorer = fixture.App.Service<SettingsRestorer>();
        var before = await fixture.PgSettingsAsync();
        var snapshot = await restorer.SnapshotAsync(staging);
        await fixture.AlterSystemAsync("ALTER SYSTEM SET max_connections = '120'");
        await fixture.TargetCluster.RestartAsync();
        var startedAt = await fixture.ScalarOnTargetAsync("SELECT pg_postmaster_start_time()");
        Assert.Equal("120", await fixture.ShowAsync("max_connections"));

        var result = await restorer.RestoreAsync(staging, snapshot);

        var was = before.Single(s => s.Name == "max_connections").Setting;
        Assert.False(result.Exact);
        // shared_memory_size and its huge-page count are computed from max_connections at start, so they wait too.
        Assert.All(result.Differences, d => Assert.True(d.NeedsRestart, result.Summary));
        Assert.Equal(["max_connections", "shared_memory_size", "shared_memory_size_in_huge_pages"], result.Differences.Select(d => d.Name));
        var waiting = result.Differences[0];
        Assert.Equal((was, "120"), (waiting.Expected, waiting.Actual));
        Assert.Empty(result.Failures);
        Assert.StartsWith($"Back only after a restart of the staging cluster: max_connections (120, was {was}), shared_memory_size", result.Summary);
        Assert.Equal(startedAt, await fixture.ScalarOnTargetAsync("SELECT pg_postmaster_start_time()"));
        // The file is right already: the restart a DBA chooses to make brings everything back.
        await fixture.TargetCluster.RestartAsync();
        Assert.Equal(before, await fixture.PgSettingsAsync());
    }

    [Fact]
    public async Task Snapshot_WithPgMonitorOnly_ReadsTheAlterSystemEntriesFromPgSettings()
    {
        await fixture.AlterSystemAsync("ALTER SYSTEM SET work_mem = '8MB'");
        try
        {
            await fixture.TargetCluster.EnsureLoginRoleAsync("monitor_only");
            await fixture.ExecuteOnTargetAsync("GRANT pg_monitor TO monitor_only");
            await using var connection = new Npgsql.NpgsqlConnection(fixture.TargetCluster.ConnectionString("shop", "monitor_only") + ";Pooling=false");
            await connection.OpenAsync(TestContext.Current.CancellationToken);

            var snapshot = await SettingsSnapshot.TakeAsync(connection, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);

            Assert.Equal(SettingsSnapshot.FromSettings, snapshot.AutoConfSource);
            // The value in effect, in the setting's base unit (kB): the same 8MB.
            Assert.Contains(new AutoConfEntry("work_mem", "8192"), snapshot.AutoConf);
            Assert.Contains(snapshot.Settings, s => s.Name == "work_mem" && s.Setting == "8192" && s.Unit == "kB");
        }
        finally
        {
            await fixture.AlterSystemAsync("ALTER SYSTEM RESET work_mem");
        }
    }

    [Fact]
    public async Task APlanBegunButNotCompleted_IsRevertedByTheNextStart_AndAudited()
    {
        var staging = await StagingAsync();
        var before = await fixture.PgSettingsAsync();
        var snapshot = await fixture.App.Service<SettingsRestorer>().SnapshotAsync(staging);
        var rehearsalId = Guid.NewGuid();
        var planId = await fixture.App.Service<StagingReverts>().BeginAsync(staging, snapshot, rehearsalId);
        await fixture.AlterSystemAsync("ALTER SYSTEM SET deadlock_timeout = '30s'", "ALTER SYSTEM SET work_mem = '48MB'");
        await Poll.UntilAsync(() => fixture.ShowAsync("deadlock_timeout"), v => v == "30s", TimeSpan.FromSeconds(10), "the rehearsal's change to show");

        // The console stops midway through the rehearsal; the next one starts on the same store.
        await fixture.RestartConsoleAsync();

        var plan = await Poll.UntilAsync(() => PlanAsync(planId), p => p.RevertedAt is not null, RevertDeadline, "the next start to revert the plan");
        Assert.Equal(before, await fixture.PgSettingsAsync());
        Assert.StartsWith("the console running the rehearsal stopped", plan.Outcome);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var entries = (await db.AuditEntries.AsNoTracking().Where(e => e.Subject == "target:staging" && e.Action.StartsWith("rehearsal.reverted"))
            .OrderBy(e => e.Sequence).ToListAsync(TestContext.Current.CancellationToken)).Where(e => e.Details.Contains(planId.ToString())).ToList();
        Assert.Equal(["rehearsal.reverted.intent", "rehearsal.reverted"], entries.Select(e => e.Action));
        Assert.Equal(AuditOutcome.Succeeded, entries[^1].Outcome);
        Assert.Contains(rehearsalId.ToString(), entries[^1].Details);
    }

    [Fact]
    public async Task RevertOnStart_RevertsThePlanOfAStaleInstance_AndLeavesThatOfALiveOne()
    {
        var staging = await StagingAsync();
        var before = await fixture.PgSettingsAsync();
        var snapshot = await fixture.App.Service<SettingsRestorer>().SnapshotAsync(staging);
        // Two other consoles: one killed an hour ago (its heartbeat is old), one alive and rehearsing now.
        var (killed, alive) = (Guid.NewGuid(), Guid.NewGuid());
        await Sql.ExecuteAsync(fixture.StoreConnectionString,
            $"INSERT INTO console_instances (\"Id\", \"Host\", \"StartedAt\", \"HeartbeatAt\") VALUES ('{killed}', 'killed', now() - interval '2 hours', now() - interval '1 hour')");
        // The live one has beaten before its plan exists, as a console does: a plan saved before the first beat landed is an
        // orphan's to the next pass (seen in CI).
        await HeartbeatAsync(alive);
        var aliveBeat = new CancellationTokenSource();
        var beating = BeatAsync(alive, aliveBeat.Token);
        try
        {
            var alivePlan = new StagingRevertPlan(staging.Id, Guid.NewGuid(), alive, snapshot, DateTimeOffset.UtcNow);
            var killedPlan = new StagingRevertPlan(staging.Id, Guid.NewGuid(), killed, snapshot, DateTimeOffset.UtcNow);
            await fixture.AlterSystemAsync("ALTER SYSTEM SET work_mem = '40MB'");
            await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
            {
                db.StagingRevertPlans.AddRange(alivePlan, killedPlan);
                await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            }

            await Poll.UntilAsync(() => PlanAsync(killedPlan.Id), p => p.RevertedAt is not null, RevertDeadline, "the killed console's plan to be reverted");

            Assert.Null((await PlanAsync(alivePlan.Id)).RevertedAt);
            Assert.Equal(before, await fixture.PgSettingsAsync());
            await fixture.App.Service<StagingReverts>().RevertAsync(alivePlan.Id, "the test's rehearsal ended");
            Assert.NotNull((await PlanAsync(alivePlan.Id)).RevertedAt);
        }
        finally
        {
            await aliveBeat.CancelAsync();
            await beating;
        }
    }

    /// <summary>A heartbeat for a console that is not there, as a live instance on another machine would write it.</summary>
    private async Task BeatAsync(Guid instance, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(500, ct); }
            catch (OperationCanceledException) { break; }
            await HeartbeatAsync(instance);
        }
    }

    private Task HeartbeatAsync(Guid instance) => Sql.ExecuteAsync(fixture.StoreConnectionString, $"""
        INSERT INTO console_instances ("Id", "Host", "StartedAt", "HeartbeatAt") VALUES ('{instance}', 'alive', now(), now())
        ON CONFLICT ("Id") DO UPDATE SET "HeartbeatAt" = now()
        """);

    private async Task<StagingRevertPlan> PlanAsync(Guid id)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.StagingRevertPlans.AsNoTracking().FirstAsync(p => p.Id == id);
    }
}
