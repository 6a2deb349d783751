using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Locks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Cancel and terminate on real blocking sessions: who may, what it takes, what it leaves in the audit trail.</summary>
public sealed class SessionActionsTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private SessionActions Actions => fixture.App.Service<SessionActions>();

    [Fact]
    public async Task TerminatingTheHeadBlocker_FreesTheChain_AndIsAudited()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        var waiter = await contention.BeginAsync();
        await head.UpdateAsync(1);
        var waits = waiter.UpdateAsync(1);
        await WaitUntilBlockingAsync(head.Pid);

        var result = await Actions.TerminateAsync(fixture.Dba1, fixture.TargetId, head.Pid, "Holds inventory row 1 during checkout peak",
            TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Message);
        await waits; // the waiter got its lock
        await waiter.RollbackAsync();
        Assert.Null(await fixture.ScalarOnTargetAsync($"SELECT pid FROM pg_stat_activity WHERE pid = {head.Pid}"));
        var entry = await LastAuditAsync("session.terminate");
        Assert.Equal((AuditOutcome.Succeeded, "dba1", $"session:shop/{head.Pid}"), (entry.Outcome, entry.ActorName, entry.Subject));
        Assert.Contains("Holds inventory row 1", entry.Details);
        Assert.Contains("lock test", entry.Details);
    }

    [Fact]
    public async Task AViewer_IsRefused_TheRefusalIsAudited_AndTheSessionLives()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        var waiter = await contention.BeginAsync();
        await head.UpdateAsync(2);
        var waits = waiter.UpdateAsync(2);
        await WaitUntilBlockingAsync(head.Pid);

        await Assert.ThrowsAsync<AccessDeniedException>(() => Actions.TerminateAsync(fixture.Viewer, fixture.TargetId, head.Pid, "curious"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Actions.CancelQueryAsync(fixture.OnCall, fixture.TargetId, waiter.Pid, "curious"));

        Assert.Equal(head.Pid, await fixture.ScalarOnTargetAsync($"SELECT pid FROM pg_stat_activity WHERE pid = {head.Pid}"));
        var entry = await LastAuditAsync("session.terminate");
        Assert.Equal((AuditOutcome.Refused, "viewer"), (entry.Outcome, entry.ActorName));
        await head.RollbackAsync();
        await waits;
        await waiter.RollbackAsync();
    }

    [Fact]
    public async Task CancellingTheBlockersQuery_EndsItsStatement_NotItsSession()
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        var waiter = await contention.BeginAsync();
        await head.UpdateAsync(3);
        var waits = waiter.UpdateAsync(3);
        await WaitUntilBlockingAsync(head.Pid);

        // The waiter's own query is what a DBA cancels here: it blocks nobody, so the console refuses...
        var refused = await Actions.CancelQueryAsync(fixture.Dba1, fixture.TargetId, waiter.Pid, "not the culprit");
        Assert.False(refused.Succeeded);
        Assert.Contains("no longer blocks anyone", refused.Message);
        Assert.False(waits.IsCompleted);

        // ...and the head blocker, idle in its transaction, has no query to cancel: the signal is sent, its lock stays.
        var cancelled = await Actions.CancelQueryAsync(fixture.Dba1, fixture.TargetId, head.Pid, "long transaction");
        Assert.True(cancelled.Succeeded, cancelled.Message);
        Assert.Equal(head.Pid, await fixture.ScalarOnTargetAsync($"SELECT pid FROM pg_stat_activity WHERE pid = {head.Pid}"));
        Assert.False(waits.IsCompleted);
        Assert.Equal(AuditOutcome.Succeeded, (await LastAuditAsync("session.cancel")).Outcome);
        await head.RollbackAsync();
        await waits;
        await waiter.RollbackAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    public async Task AReason_IsRequired_AndNothingHappensWithoutOne(string reason)
    {
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var head = await contention.BeginAsync();
        await head.UpdateAsync(5);

        var error = await Assert.ThrowsAsync<DomainRuleException>(() => Actions.TerminateAsync(fixture.Dba1, fixture.TargetId, head.Pid, reason));

        Assert.Equal("Reason", error.Field);
        Assert.Equal(head.Pid, await fixture.ScalarOnTargetAsync($"SELECT pid FROM pg_stat_activity WHERE pid = {head.Pid}"));
        await head.RollbackAsync();
    }

    private Task WaitUntilBlockingAsync(int pid) =>
        Poll.UntilAsync(() => fixture.ScalarOnTargetAsync($"SELECT count(*) FROM pg_stat_activity WHERE {pid} = ANY (pg_blocking_pids(pid))"),
            n => n is long count && count > 0, TimeSpan.FromSeconds(30), $"session {pid} to block another");

    private async Task<AuditEntry> LastAuditAsync(string action)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.Where(e => e.Action == action).OrderByDescending(e => e.Sequence).FirstAsync();
    }
}
