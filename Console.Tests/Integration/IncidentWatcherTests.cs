using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Locks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>The watcher writes what the console sees on open incidents: the first failure, health, lock events, a proposal to resolve.</summary>
public sealed class IncidentWatcherTests(IncidentWatchFixture fixture) : IClassFixture<IncidentWatchFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private IncidentQueries Queries => fixture.App.Service<IncidentQueries>();

    [Fact]
    public async Task HealthBackToNormal_IsWritten_ThenAProposalToResolveAfterTheQuietPeriod_AndWorseAgainUndoesBoth()
    {
        var firstFailureAt = DateTimeOffset.UtcNow.AddSeconds(-30);
        await IngestAsync(20, failed: true, firstFailureAt);
        var incident = await fixture.App.Service<IncidentService>().OpenAsync(fixture.OnCall,
            new NewIncident("Checkout failing", IncidentSeverity.Sev2, IncidentWatcher.CheckoutService, fixture.TargetId, firstFailureAt.AddSeconds(10)));

        var first = await EntryAsync(incident.Id, TimelineKind.FirstFailure);
        Assert.Equal(firstFailureAt, first.At, TimeSpan.FromMilliseconds(1));
        Assert.Contains("db_deadlock", first.Text);
        await IngestAsync(500, failed: false, DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Contains("Health back to normal", (await EntryAsync(incident.Id, TimelineKind.HealthRecovered)).Text);
        await EntryAsync(incident.Id, TimelineKind.ResolveProposed);
        Assert.NotNull((await Queries.GetAsync(incident.Id))!.Incident.ResolveProposedAt);

        await IngestAsync(100, failed: true, DateTimeOffset.UtcNow.AddSeconds(-1));

        await EntryAsync(incident.Id, TimelineKind.HealthDegraded);
        var detail = (await Queries.GetAsync(incident.Id))!;
        Assert.Null(detail.Incident.RecoveredAt);
        Assert.Null(detail.Incident.ResolveProposedAt);
        Assert.Equal(IncidentStatus.Investigating, detail.Incident.Status); // proposed, never resolved by the console
        Assert.Equal([TimelineKind.HealthRecovered, TimelineKind.ResolveProposed, TimelineKind.HealthDegraded],
            detail.Timeline.Where(e => e.Kind is TimelineKind.HealthRecovered or TimelineKind.ResolveProposed or TimelineKind.HealthDegraded).Select(e => e.Kind));
        Assert.Equal(["incident.health_recovered", "incident.resolve_proposed", "incident.health_degraded"],
            (await AuditAsync(incident.Number)).Where(a => a.Action.StartsWith("incident.health") || a.Action == "incident.resolve_proposed").Select(a => a.Action));
    }

    [Fact]
    public async Task ADeadlockAndALongLockWaitOnTheTarget_AreWrittenOnTheIncident()
    {
        // The sampler counts deadlocks as the difference between two ticks: its first tick must come before the deadlock.
        await Poll.UntilAsync(() => Task.FromResult(fixture.App.Service<LockMonitor>().Latest(fixture.TargetId)), s => s is not null, Wait,
            "the sampler's first tick");
        var onset = DateTimeOffset.UtcNow.AddSeconds(-5);
        await using var contention = await LockContention.StartAsync(fixture.TargetConnectionString);
        var a = await contention.BeginAsync();
        var b = await contention.BeginAsync();
        await a.UpdateAsync(1);
        await b.UpdateAsync(2);
        var aWaits = a.UpdateAsync(2);
        var bWaits = b.UpdateAsync(1);
        Assert.Contains("40P01", new[] { await LockContention.OutcomeOf(aWaits), await LockContention.OutcomeOf(bWaits) });
        // The victim's backend reports the deadlock to the statistics once its transaction has ended.
        await a.RollbackAsync();
        await b.RollbackAsync();
        await Poll.UntilAsync(() => Task.FromResult(fixture.App.Service<LockMonitor>().DeadlocksSince(fixture.TargetId, onset)), n => n >= 1, Wait,
            "the sampler to count the deadlock");

        var incident = await fixture.App.Service<IncidentService>().OpenAsync(fixture.OnCall,
            new NewIncident("Deadlocks", IncidentSeverity.Sev2, "locks-only", fixture.TargetId, onset));
        Assert.Contains("1 deadlock on shop", (await EntryAsync(incident.Id, TimelineKind.Deadlocks)).Text);

        var holder = await contention.BeginAsync();
        await holder.UpdateAsync(3);
        var waiter = await contention.BeginAsync();
        var waiting = waiter.UpdateAsync(3);
        var wait = await EntryAsync(incident.Id, TimelineKind.LockWait);
        await holder.RollbackAsync();
        Assert.Equal("ok", await LockContention.OutcomeOf(waiting));
        Assert.Matches(@"Lock wait of \d+ s on shop: 1 session waiting", wait.Text);
    }

    [Fact]
    public async Task ASuspectRolledBackFromItsChangePage_IsWrittenOnTheIncident_WhichMovesToMonitoring()
    {
        var author = new Actor("dba-a", "dba-a", [Roles.Dba]);
        var reviewer = new Actor("dba-b", "dba-b", [Roles.Dba]);
        var registry = fixture.App.Service<ChangeRegistry>();
        var change = await registry.RegisterSettingAsync(author, new SettingChangeRequest(fixture.TargetId, "deadlock_timeout", "20s",
            new ChangeDetails("Raise deadlock_timeout", "Batch jobs", null, ChangeRisk.Medium, null), SubmitForReview: true));
        await registry.ApproveAsync(reviewer, change.Id, "");
        Assert.True((await fixture.App.Service<ChangeApplier>().ApplyAsync(reviewer, change.Id)).Succeeded);
        var incident = await fixture.App.Service<IncidentService>().OpenAsync(fixture.OnCall,
            new NewIncident("Deadlocks at peak", IncidentSeverity.Sev1, "elsewhere", fixture.TargetId));
        Assert.Contains((await Queries.GetAsync(incident.Id))!.Suspects, s => s.ChangeId == change.Id);

        var outcome = await fixture.App.Service<RollbackProcedure>().RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "From the change page"));
        Assert.True(outcome.Succeeded, outcome.Message);

        var finished = await EntryAsync(incident.Id, TimelineKind.RollbackFinished);
        var detail = (await Queries.GetAsync(incident.Id))!;
        Assert.Equal((IncidentStatus.Monitoring, change.Id), (detail.Incident.Status, detail.Incident.CauseChangeId));
        Assert.Equal([TimelineKind.RollbackStarted, TimelineKind.RollbackFinished, TimelineKind.StatusChanged],
            detail.Timeline.SkipWhile(e => e.Kind != TimelineKind.RollbackStarted).Where(e => e.Kind is TimelineKind.RollbackStarted
                or TimelineKind.RollbackFinished or TimelineKind.StatusChanged).Select(e => e.Kind));
        Assert.Equal("oncall", finished.ActorName);
        Assert.Single(detail.Timeline, e => e.Kind == TimelineKind.RollbackFinished);
    }

    private async Task<IncidentTimelineEntry> EntryAsync(Guid incidentId, TimelineKind kind) =>
        (await Poll.UntilAsync(async () => (await Queries.GetAsync(incidentId))!.Timeline.FirstOrDefault(e => e.Kind == kind), e => e is not null, Wait,
            $"a {kind} entry"))!;

    private Task IngestAsync(int count, bool failed, DateTimeOffset at) =>
        fixture.App.Service<CheckoutIngest>().IngestAsync(Enumerable.Range(0, count).Select(i => new CheckoutEvent($"w-{Guid.NewGuid():N}",
            at.AddMilliseconds(i), failed ? CheckoutOutcome.Failed : CheckoutOutcome.Succeeded, failed ? ErrorClasses.DbDeadlock : null,
            failed ? "40P01" : null, 40, 20m, "EUR", "eu-west", IncidentWatcher.CheckoutService, "shop")).ToList(), CancellationToken.None);

    private async Task<List<AuditEntry>> AuditAsync(int number)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == IncidentService.Subject(number)).OrderBy(e => e.Sequence).ToListAsync();
    }
}
