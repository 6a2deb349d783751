using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class RollbackProcedureTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private RollbackProcedure Rollbacks => fixture.App.Service<RollbackProcedure>();
    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();

    [Fact]
    public async Task ASettingWhoseEarlierValueWasTheDefault_IsReset_AndEveryStepIsAudited()
    {
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "30s");
        Assert.Equal("30s", await fixture.ShowAsync("deadlock_timeout"));
        var reported = new List<RollbackStepResult>();

        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Deadlocks at peak"), new Progress<RollbackStepResult>(reported.Add));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("1s", await fixture.ShowAsync("deadlock_timeout"));
        Assert.Equal(0L, await fixture.ScalarOnTargetAsync("SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%auto.conf' AND name = 'deadlock_timeout'"));
        Assert.Equal([RollbackStep.Authorize, RollbackStep.Precheck, RollbackStep.Execute, RollbackStep.Verify, RollbackStep.Record], outcome.Steps.Select(s => s.Step));
        Assert.Contains("ALTER SYSTEM RESET deadlock_timeout", outcome.Steps[2].Message);
        Assert.Equal(ChangeStatus.RolledBack, (await Registry.GetAsync(change.Id))!.Status);
        // The intent is committed before the target is touched; the steps, which name it, when the run is recorded.
        Assert.Equal(["rollback.execute.intent", "rollback.authorize", "rollback.precheck", "rollback.execute", "rollback.verify", "rollback.record"],
            (await AuditAsync(change.Number)).Where(a => a.Action.StartsWith("rollback.")).Select(a => a.Action));
        Assert.True((await fixture.App.Service<AuditChain>().VerifyAsync()).Intact);
    }

    [Fact]
    public async Task ASettingWhoseEarlierValueAnEarlierAlterSystemWrote_IsWrittenBack_NotReset()
    {
        // pg_settings reads such a value as "configuration file", like one from postgresql.conf; RESET would drop it.
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET idle_in_transaction_session_timeout = '12min'", "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => fixture.ShowAsync("idle_in_transaction_session_timeout"), v => v == "12min", TimeSpan.FromSeconds(10), "12min to show");
        var change = await fixture.AppliedSettingChangeAsync("idle_in_transaction_session_timeout", "30s");

        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Sessions cut off mid-transaction"));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains("ALTER SYSTEM SET idle_in_transaction_session_timeout", outcome.Steps[2].Message);
        Assert.Equal("12min", await fixture.ShowAsync("idle_in_transaction_session_timeout"));
    }

    [Fact]
    public async Task ASettingChangedAgainAfterApplying_IsRefusedWithoutAnyway_AndDoneWithIt()
    {
        var change = await fixture.AppliedSettingChangeAsync("lock_timeout", "2s");
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET lock_timeout = '7s'", "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => fixture.ShowAsync("lock_timeout"), v => v == "7s", TimeSpan.FromSeconds(30), "the manual change to show");

        var refused = await Rollbacks.RunAsync(fixture.Dba1, new RollbackRequest(change.Id, "Back to the default"));
        Assert.False(refused.Succeeded);
        Assert.True(refused.NeedsAnyway);
        Assert.Contains("was changed again since: it is 7000 ms", refused.Message);
        Assert.Equal("7s", await fixture.ShowAsync("lock_timeout"));
        Assert.Equal(ChangeStatus.Applied, (await Registry.GetAsync(change.Id))!.Status);

        var anyway = await Rollbacks.RunAsync(fixture.Dba1, new RollbackRequest(change.Id, "Someone changed it during the incident", Anyway: true));

        Assert.True(anyway.Succeeded, anyway.Message);
        Assert.Equal("0", await fixture.ShowAsync("lock_timeout"));
    }

    [Fact]
    public async Task TwentyConcurrentRollbacks_RunExactlyOnce()
    {
        var change = await fixture.AppliedSettingChangeAsync("log_lock_waits", "on");
        var actors = new[] { fixture.OnCall, fixture.Dba1, fixture.Dba2 };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try { return (await Rollbacks.RunAsync(actors[i % 3], new RollbackRequest(change.Id, $"try {i}"))).Succeeded ? "ran" : "failed"; }
            catch (RollbackRefusedException e) { return e.Message; }
        }));

        Assert.Single(results, r => r == "ran");
        Assert.All(results.Where(r => r != "ran"), r => Assert.Matches("already (in progress|rolled back)", r));
        Assert.Single(await AuditAsync(change.Number), a => a.Action == "rollback.execute");
        Assert.Equal("off", await fixture.ShowAsync("log_lock_waits"));
    }

    [Fact]
    public async Task ATargetThatIsDown_FailsTheRollback_Audited_AndARetrySucceedsWhenItIsBack()
    {
        var change = await fixture.AppliedSettingChangeAsync("idle_session_timeout", "1h");
        await fixture.TargetCluster.StopAsync();
        RollbackOutcome failed;
        try
        {
            failed = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Sessions dropped"));
        }
        finally
        {
            await fixture.TargetCluster.RestartAsync();
        }

        Assert.False(failed.Succeeded);
        var afterFailure = (await Registry.GetAsync(change.Id))!;
        Assert.Equal(ChangeStatus.RollbackFailed, afterFailure.Status);
        Assert.False(string.IsNullOrEmpty(afterFailure.LastRollbackError));
        Assert.Contains(await AuditAsync(change.Number), a => a.Action == "rollback.precheck" && a.Outcome == AuditOutcome.Failed);

        var retry = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Retry now that the target is back"));

        Assert.True(retry.Succeeded, retry.Message);
        Assert.Equal("0", await fixture.ShowAsync("idle_session_timeout"));
    }

    [Fact]
    public async Task AViewer_IsRefusedAtTheDomain_AndTheRefusalIsAudited()
    {
        var change = await fixture.AppliedSettingChangeAsync("log_temp_files", "10MB");

        await Assert.ThrowsAsync<AccessDeniedException>(() => Rollbacks.RunAsync(fixture.Viewer, new RollbackRequest(change.Id, "I am a manager")));

        // Under the change's number, like its successes, so the Audit page's change filter shows it.
        Assert.Contains(await AuditAsync(change.Number), a => a.Action == "change.rollback" && a.Outcome == AuditOutcome.Refused && a.ActorName == "viewer");
        Assert.Equal("10MB", await fixture.ShowAsync("log_temp_files"));
    }

    [Fact]
    public async Task ASqlChange_IsRolledBackByItsRollbackScript()
    {
        var change = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "CREATE TABLE gift_cards (code text primary key);", "DROP TABLE gift_cards;",
            new ChangeDetails("Gift cards", "New feature", null, ChangeRisk.Low, null), true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        Assert.True((await fixture.App.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id)).Succeeded);

        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Feature pulled"));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("gone", await fixture.ScalarOnTargetAsync("SELECT coalesce(to_regclass('gift_cards')::text, 'gone')"));
    }

    [Fact]
    public async Task ARunOfAnInstanceThatStoppedHeartbeating_IsMarkedInterrupted_AndTheChangeCanBeRetried()
    {
        var change = await fixture.AppliedSettingChangeAsync("temp_file_limit", "1GB");
        var otherInstance = Guid.NewGuid();
        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO console_instances (\"Id\", \"Host\", \"StartedAt\", \"HeartbeatAt\") VALUES ({otherInstance}, 'elsewhere', now(), now())");
            db.RollbackRuns.Add(new RollbackRun(change.Id, otherInstance, "oncall", "console crashed mid-way", false, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        // While its instance heartbeats, the run is running: nobody may start another, and recovery leaves it alone.
        await Assert.ThrowsAsync<RollbackRefusedException>(() => Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "blocked")));
        Assert.Equal(0, await fixture.App.Service<RollbackRecovery>().RunAsync(CancellationToken.None));

        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE console_instances SET \"HeartbeatAt\" = now() - interval '1 hour' WHERE \"Id\" = {otherInstance}");
        // The console's own periodic recovery may get there first; either way the run ends interrupted.
        await fixture.App.Service<RollbackRecovery>().RunAsync(CancellationToken.None);

        Assert.Equal(ChangeStatus.RollbackFailed, (await Registry.GetAsync(change.Id))!.Status);
        Assert.True((await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "retry"))).Succeeded);
    }

    private async Task<List<AuditEntry>> AuditAsync(int number)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == $"change:{number}").OrderBy(e => e.Sequence).ToListAsync();
    }
}
