using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Rollbacks.Actions;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Intent before action: what the console is about to do to a target is committed before it does it, so a crash or a store
/// that stops answering in between leaves "outcome unknown" behind, and drift the console cannot explain is reported.
/// </summary>
public sealed class IntentBeforeActionTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();
    private AuditIntents Intents => fixture.App.Service<AuditIntents>();

    [Fact]
    public async Task AnApply_CommitsItsIntentFirst_AndItsOutcomeNamesIt()
    {
        var change = await fixture.AppliedSettingChangeAsync("log_min_duration_statement", "250ms");

        var entries = await AuditAsync($"change:{change.Number}");
        var intent = Assert.Single(entries, e => e.Action == "change.apply.intent");
        var applied = Assert.Single(entries, e => e.Action == "change.applied");
        Assert.Equal(AuditOutcome.Intended, intent.Outcome);
        Assert.True(intent.Sequence < applied.Sequence);
        Assert.Equal(intent.Id, IntentOf(applied));
        Assert.Empty(await Intents.UnresolvedAboutAsync($"change:{change.Number}"));
    }

    [Fact]
    public async Task ARollback_DeclaresItsIntentOnlyWhenItIsAboutToExecute_AndEveryStepNamesIt()
    {
        var change = await fixture.AppliedSettingChangeAsync("log_autovacuum_min_duration", "5s");
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET log_autovacuum_min_duration = '9s'", "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => fixture.ShowAsync("log_autovacuum_min_duration"), v => v == "9s", Deadline, "the manual change to show");
        var rollbacks = fixture.App.Service<RollbackProcedure>();

        var refused = await rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Back"));
        Assert.True(refused.NeedsAnyway);
        Assert.DoesNotContain(await AuditAsync($"change:{change.Number}"), e => e.Action == "rollback.execute.intent");

        var done = await rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Back anyway", Anyway: true));

        Assert.True(done.Succeeded, done.Message);
        var entries = await AuditAsync($"change:{change.Number}");
        var intent = Assert.Single(entries, e => e.Action == "rollback.execute.intent");
        var steps = entries.Where(e => e.Sequence > intent.Sequence && e.Action.StartsWith("rollback.")).ToList();
        Assert.Equal(["rollback.authorize", "rollback.precheck", "rollback.execute", "rollback.verify", "rollback.record"], steps.Select(e => e.Action));
        Assert.All(steps, e => Assert.Equal(intent.Id, IntentOf(e)));
    }

    [Fact]
    public async Task ASessionSignal_CommitsItsIntentFirst_EvenWhenTheSessionIsGone()
    {
        var result = await fixture.App.Service<SessionActions>().TerminateAsync(fixture.Dba1, fixture.TargetId, 999_999, "Stuck session");

        Assert.False(result.Succeeded);
        var entries = await AuditAsync("session:shop/999999");
        var intent = Assert.Single(entries, e => e.Action == "session.terminate.intent");
        var outcome = Assert.Single(entries, e => e.Action == "session.terminate");
        Assert.Equal((AuditOutcome.Intended, AuditOutcome.Failed), (intent.Outcome, outcome.Outcome));
        Assert.Equal(intent.Id, IntentOf(outcome));
        Assert.Empty(await Intents.UnresolvedAsync([intent.Id]));
    }

    [Fact]
    public async Task AStoreConnectionKilledBetweenIntentAndOutcome_LeavesTheOutcomeUnknown_WhileTheTargetWasChanged()
    {
        var change = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "SELECT pg_sleep(3); CREATE TABLE loyalty_points (id int);", "DROP TABLE loyalty_points;",
            new ChangeDetails("Loyalty points", "New feature", null, ChangeRisk.Low, null), true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");

        var applying = fixture.App.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id);
        // The applier holds the change row in a transaction of its own while the script sleeps: end that session, as a store
        // restart or a cut network would.
        await Poll.UntilAsync(async () => (await Intents.UnresolvedAboutAsync($"change:{change.Number}")).Count, n => n == 1, Deadline, "the intent");
        var killed = await Poll.UntilAsync(KillApplierSessionAsync, k => k, Deadline, "the applier's store session to end");
        Assert.True(killed);
        await Assert.ThrowsAnyAsync<Exception>(() => applying);

        Assert.Equal("loyalty_points", await fixture.ScalarOnTargetAsync("SELECT to_regclass('loyalty_points')::text"));
        Assert.Equal(ChangeStatus.Approved, (await Registry.GetAsync(change.Id))!.Status);
        var unknown = Assert.Single(await Intents.UnresolvedAboutAsync($"change:{change.Number}"));
        Assert.Equal(("change.apply.intent", "dba2"), (unknown.Action, unknown.ActorName));
    }

    [Fact]
    public async Task AValueSetBehindTheConsolesBack_IsDetected_EvenWhenAnApprovedChangeWouldSetTheSameValue()
    {
        var change = await Registry.RegisterSettingAsync(fixture.Dba1, new SettingChangeRequest(fixture.TargetId, "statement_timeout", "45s",
            new ChangeDetails("Cap statements", "Runaway reports", null, ChangeRisk.Low, null), SubmitForReview: true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        // What a console that died after its intent would leave: the intent committed, the value on the target, nothing else.
        await Intents.DeclareAsync(fixture.Dba2, ChangeApplier.Action, $"change:{change.Number}", new { crashed = true }, CancellationToken.None);
        // The detector compares with the last snapshot it took: it must have one from before the value moved. Its own first
        // pass may still be connecting on a loaded machine, and a first snapshot taken after the change holds no drift (a CI failure).
        await fixture.App.Service<DriftDetector>().CheckAsync(fixture.TargetId, CancellationToken.None);
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET statement_timeout = '45s'", "SELECT pg_reload_conf()");

        var detected = await Poll.UntilAsync(() => DetectedAsync("statement_timeout"), d => d is not null, Deadline, "the drift to be detected");

        Assert.Equal(("0", "45000"), (detected!.ValueBefore, detected.ValueAfter));
        Assert.Equal(ChangeStatus.Approved, (await Registry.GetAsync(change.Id))!.Status);
        Assert.Single(await Intents.UnresolvedAboutAsync($"change:{change.Number}"));
    }

    [Fact]
    public async Task ARollbackUnderWay_IsNotTakenForDrift_ButTheValueIsReportedOnceItsRunEndsUnrecorded()
    {
        var change = await fixture.AppliedSettingChangeAsync("vacuum_cost_limit", "300");
        // The detector must have seen 300 (explained by the apply) before the value goes back: a value that returns
        // between two of its looks is invisible to it, and on a loaded machine a look can be a second late.
        await fixture.App.Service<DriftDetector>().CheckAsync(fixture.TargetId, CancellationToken.None);
        var instance = Guid.NewGuid();
        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO console_instances (\"Id\", \"Host\", \"StartedAt\", \"HeartbeatAt\") VALUES ({instance}, 'elsewhere', now(), now() + interval '1 hour')");
            db.RollbackRuns.Add(new RollbackRun(change.Id, instance, "oncall", "under way elsewhere", false, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        // What that run's execute step does on the target.
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM RESET vacuum_cost_limit", "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => fixture.ShowAsync("vacuum_cost_limit"), v => v == "200", Deadline, "the reset to show");

        Assert.Empty(await fixture.App.Service<DriftDetector>().CheckAsync(fixture.TargetId, CancellationToken.None));
        Assert.Null(await DetectedAsync("vacuum_cost_limit"));

        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreSuperuserConnectionString))
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE rollback_runs SET \"Status\" = 'Interrupted' WHERE \"ChangeId\" = {change.Id}");
        var detected = await Poll.UntilAsync(() => DetectedAsync("vacuum_cost_limit"), d => d is not null, Deadline, "the drift to be detected");

        Assert.Equal(("300", "200"), (detected!.ValueBefore, detected.ValueAfter));
    }

    [Fact]
    public async Task TheSqlAction_GivesUpOnALockAfterItsConfiguredLockTimeout()
    {
        await fixture.ExecuteOnTargetAsync("CREATE TABLE IF NOT EXISTS vouchers (code text)");
        var change = ConfigChange.ForSql(fixture.TargetId, new ChangeDetails("Vouchers", "Test", null, ChangeRisk.Low, null),
            "SELECT 1;", "DROP TABLE vouchers;", fixture.Dba1, DateTimeOffset.UtcNow);
        var target = await fixture.App.Service<TargetRegistry>().GetAsync(fixture.TargetId);
        var action = new SqlRollback(fixture.App.Service<TargetRegistry>(), fixture.App.Service<TargetScripts>(),
            Options.Create(new SqlRollbackOptions { LockTimeout = TimeSpan.FromMilliseconds(300) }));
        await using var holder = new NpgsqlConnection(fixture.TargetConnectionString + ";Pooling=false");
        await holder.OpenAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE vouchers IN ACCESS SHARE MODE", holder, tx).ExecuteNonQueryAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            action.ExecuteAsync(new RollbackContext(change, target, fixture.OnCall, new RollbackRequest(change.Id, "test")), CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.LockNotAvailable, refused.SqlState);
        await tx.RollbackAsync();
        Assert.Equal("vouchers", await fixture.ScalarOnTargetAsync("SELECT to_regclass('vouchers')::text"));
    }

    /// <summary>Ends the store session that holds a change row for an apply (idle in its transaction while the target works).</summary>
    private async Task<bool> KillApplierSessionAsync()
    {
        await using var store = new NpgsqlConnection(fixture.StoreSuperuserConnectionString + ";Pooling=false");
        await store.OpenAsync();
        await using var kill = new NpgsqlCommand("""
            SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'
              AND backend_xid IS NOT NULL AND query LIKE '%change_transitions%'
            """, store);
        return (int)(await kill.ExecuteScalarAsync())! >= 1;
    }

    private async Task<ConfigChange?> DetectedAsync(string parameter)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Changes.AsNoTracking().FirstOrDefaultAsync(c => c.TargetId == fixture.TargetId && c.Parameter == parameter && c.Status == ChangeStatus.Detected);
    }

    private async Task<List<AuditEntry>> AuditAsync(string subject)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.AsNoTracking().Where(e => e.Subject == subject).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static long? IntentOf(AuditEntry entry) =>
        JsonDocument.Parse(entry.Details).RootElement.TryGetProperty("intent", out var intent) && intent.ValueKind == JsonValueKind.Number ? intent.GetInt64() : null;
}
