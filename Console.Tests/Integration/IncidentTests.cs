using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Incidents on a real store with a real target: alerts open and join them, people move them, and a suspect is rolled
/// back through the standardized procedure. Each test uses a service of its own, since an alert joins any open incident
/// for the same service and target.
/// </summary>
public sealed class IncidentTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private IAlertSink Sink => fixture.App.Service<IAlertSink>();
    private IncidentService Incidents => fixture.App.Service<IncidentService>();
    private IncidentQueries Queries => fixture.App.Service<IncidentQueries>();

    [Fact]
    public async Task APageAlert_OpensAnIncident_AndASecondForTheSameServiceAndTarget_JoinsIt()
    {
        var service = NewService();
        var onset = DateTimeOffset.UtcNow.AddMinutes(-2);
        var events = new List<IncidentUpdated>();
        using var _ = fixture.App.Service<LiveEvents>().Subscribe(e => { if (e is IncidentUpdated u) lock (events) events.Add(u); return Task.CompletedTask; });

        var first = await Sink.ReceiveAsync(Page(service, "rule-1", onset), TestContext.Current.CancellationToken);
        var second = await Sink.ReceiveAsync(Page(service, "am-9", onset.AddSeconds(30), source: "alertmanager"), TestContext.Current.CancellationToken);

        Assert.NotNull(first);
        Assert.Equal(first, second);
        var detail = (await Queries.GetByNumberAsync(first.Value))!;
        Assert.Equal(IncidentStatus.Investigating, detail.Incident.Status);
        Assert.Equal(IncidentSeverity.Sev2, detail.Incident.Severity);
        Assert.Equal(fixture.TargetId, detail.Incident.TargetId);
        Assert.Equal(onset, detail.Incident.OnsetAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(["rule-1", "am-9"], detail.Incident.Fingerprints);
        Assert.Equal([TimelineKind.AlertFired, TimelineKind.Opened, TimelineKind.AlertFired],
            detail.Timeline.Where(e => e.Kind is TimelineKind.AlertFired or TimelineKind.Opened).Select(e => e.Kind));
        Assert.Contains(await AuditAsync(first.Value), a => a.Action == "incident.opened" && a.ActorName == "alert (rule)");
        Assert.Contains(await AuditAsync(first.Value), a => a.Action == "incident.alert_joined" && a.ActorName == "alert (alertmanager)");
        await Poll.UntilAsync(() => Task.FromResult(events.Count(e => e.Number == first.Value)), n => n >= 2, TimeSpan.FromSeconds(10), "two live events");
    }

    [Fact]
    public async Task TwentyPagesAtOnce_ForOneServiceAndTarget_OpenOneIncident()
    {
        var service = NewService();
        var numbers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Sink.ReceiveAsync(Page(service, $"burst-{i}", DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None)));

        Assert.Single(numbers.Distinct());
        Assert.Equal(20, (await Queries.GetByNumberAsync(numbers[0]!.Value))!.Incident.Fingerprints.Count);
    }

    [Fact]
    public async Task AResolvedAlert_IsRecordedOnTheTimeline_AndAPageForAnotherTarget_OpensAnother()
    {
        var service = NewService();
        var onset = DateTimeOffset.UtcNow.AddMinutes(-5);
        var number = (await Sink.ReceiveAsync(Page(service, "fp-resolve", onset), CancellationToken.None))!.Value;

        var resolved = await Sink.ReceiveAsync(Page(service, "fp-resolve", onset) with { EndsAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        var elsewhere = await Sink.ReceiveAsync(Page(service, "fp-other", onset) with { Target = "another-db" }, CancellationToken.None);

        Assert.Equal(number, resolved);
        Assert.NotEqual(number, elsewhere);
        var detail = (await Queries.GetByNumberAsync(number))!;
        Assert.Contains("Checkout failure rate", detail.Timeline.Single(e => e.Kind == TimelineKind.AlertResolved).Text);
        Assert.Equal(IncidentStatus.Investigating, detail.Incident.Status); // a person resolves; the alert only says so
        Assert.Null((await Queries.GetByNumberAsync(elsewhere!.Value))!.Incident.TargetId); // a target the console does not monitor
    }

    [Fact]
    public async Task ATicket_OpensNothing_ButJoinsAnOpenIncidentsTimeline()
    {
        var service = NewService();
        var ticket = Page(service, "ticket-1", DateTimeOffset.UtcNow) with { Level = AlertLevel.Ticket, Name = "Unreviewed change" };

        Assert.Null(await Sink.ReceiveAsync(ticket, CancellationToken.None));
        var number = (await Sink.ReceiveAsync(Page(service, "page-1", DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None))!.Value;
        Assert.Equal(number, await Sink.ReceiveAsync(ticket, CancellationToken.None));

        var detail = (await Queries.GetByNumberAsync(number))!;
        Assert.Contains(detail.Timeline, e => e.Kind == TimelineKind.TicketAlert && e.Text.Contains("Unreviewed change"));
        Assert.DoesNotContain("ticket-1", detail.Incident.Fingerprints);
    }

    [Fact]
    public async Task AViewer_IsRefusedEveryMutation_AndTheRefusalIsAudited_WhileReadingWorks()
    {
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Checkout slow", IncidentSeverity.Sev3, NewService()));

        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.SetStatusAsync(fixture.Viewer, incident.Id, IncidentStatus.Resolved));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.AddNoteAsync(fixture.Viewer, incident.Id, "I think it is the DB"));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Incidents.OpenAsync(fixture.Viewer, new NewIncident("x", IncidentSeverity.Sev4, "y")));

        var refusals = (await AuditAsync(incident.Number)).Where(a => a.Outcome == AuditOutcome.Refused && a.ActorName == "viewer").Select(a => a.Action);
        Assert.Equal(["incident.status", "incident.note_added"], refusals);
        var detail = (await Queries.GetAsync(incident.Id))!;
        Assert.Equal(IncidentStatus.Investigating, detail.Incident.Status);
        Assert.DoesNotContain(detail.Timeline, e => e.Kind == TimelineKind.Note);
    }

    [Fact]
    public async Task OpenedByHand_StatusSeverityCommanderAndNotes_AreOnTheTimelineInOrder_AndAudited()
    {
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Checkout errors", IncidentSeverity.Sev3, NewService(),
            fixture.TargetId, Summary: "Customers report failures"));
        Assert.Equal("oncall", incident.CommanderName);

        await Incidents.SetSeverityAsync(fixture.OnCall, incident.Id, IncidentSeverity.Sev1);
        await Incidents.AssignCommanderAsync(fixture.OnCall, incident.Id, fixture.Dba1.Id);
        var note = await Incidents.AddNoteAsync(fixture.Dba1, incident.Id, "Lock waits on **orders**");
        await Incidents.EditNoteAsync(fixture.Dba1, incident.Id, note, "Lock waits on **order_lines**");
        var refusedEdit = await Assert.ThrowsAsync<DomainRuleException>(() => Incidents.EditNoteAsync(fixture.OnCall, incident.Id, note, "mine now"));
        await Incidents.SetStatusAsync(fixture.Dba1, incident.Id, IncidentStatus.Identified, "deadlock_timeout was raised");
        await Incidents.DeleteNoteAsync(fixture.Dba1, incident.Id, note);
        await Incidents.SetStatusAsync(fixture.Dba1, incident.Id, IncidentStatus.Resolved);
        var reopenSkip = await Assert.ThrowsAsync<DomainRuleException>(() => Incidents.SetStatusAsync(fixture.Dba1, incident.Id, IncidentStatus.Monitoring));

        Assert.Contains("Only the note's author (dba1)", refusedEdit.Message);
        Assert.Contains("reopen", reopenSkip.Message);
        var detail = (await Queries.GetAsync(incident.Id))!;
        // What people did, in order (the console's own entries, such as suspects found on the target, may come between).
        Assert.Equal([TimelineKind.Opened, TimelineKind.SeverityChanged, TimelineKind.CommanderChanged, TimelineKind.Note, TimelineKind.NoteEdited,
            TimelineKind.StatusChanged, TimelineKind.NoteDeleted, TimelineKind.StatusChanged], detail.Timeline.Where(e => e.ActorId is not null).Select(e => e.Kind));
        var edit = detail.Timeline.Single(e => e.Kind == TimelineKind.NoteEdited);
        Assert.Equal(("Lock waits on **order_lines**", "Lock waits on **orders**", note), (edit.Text, edit.PreviousText, edit.RefersTo));
        Assert.Equal("Lock waits on **order_lines**", detail.Timeline.Single(e => e.Kind == TimelineKind.NoteDeleted).PreviousText);
        Assert.True(detail.Notes[note].Deleted);
        Assert.Equal((IncidentSeverity.Sev1, "dba1", IncidentStatus.Resolved),
            (detail.Incident.Severity, detail.Incident.CommanderName, detail.Incident.Status));
        Assert.NotNull(detail.Incident.IdentifiedAt);
        Assert.NotNull(detail.Incident.ResolvedAt);
        var audit = await AuditAsync(incident.Number);
        Assert.Equal(["incident.opened", "incident.severity", "incident.commander", "incident.note_added", "incident.note_edited",
            "incident.note_edited", "incident.status", "incident.note_deleted", "incident.status", "incident.status"], audit.Select(a => a.Action));
        Assert.Equal([AuditOutcome.Refused, AuditOutcome.Refused], audit.Where(a => a.Outcome == AuditOutcome.Refused).Select(a => a.Outcome));
    }

    [Fact]
    public async Task AViewer_CannotBeCommander_NorCanANoteBeEmpty()
    {
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Checkout errors", IncidentSeverity.Sev3, NewService()));

        var viewer = await Assert.ThrowsAsync<DomainRuleException>(() => Incidents.AssignCommanderAsync(fixture.OnCall, incident.Id, fixture.Viewer.Id));
        var empty = await Assert.ThrowsAsync<DomainRuleException>(() => Incidents.AddNoteAsync(fixture.OnCall, incident.Id, "  "));
        var badTitle = await Assert.ThrowsAsync<DomainRuleException>(() => Incidents.OpenAsync(fixture.OnCall, new NewIncident("", IncidentSeverity.Sev3, "x")));

        Assert.Equal(("CommanderId", "Text", "Title"), (viewer.Field, empty.Field, badTitle.Field));
        Assert.Equal("oncall", (await Queries.GetAsync(incident.Id))!.Incident.CommanderName);
    }

    [Fact]
    public async Task RollingBackASuspect_OnARealTarget_MovesToMonitoring_WithTheTimelineInOrder()
    {
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "45s", "Raise deadlock_timeout for the batch jobs");
        var number = (await Sink.ReceiveAsync(Page(NewService(), "rollback-page", DateTimeOffset.UtcNow), CancellationToken.None))!.Value;
        var opened = (await Queries.GetByNumberAsync(number))!;
        var suspect = Assert.Single(opened.Suspects, s => s.ChangeId == change.Id);
        Assert.Contains(opened.Timeline, e => e.Kind == TimelineKind.SuspectsFound && e.Text.Contains($"#{change.Number}"));

        var outcome = await Incidents.RollBackSuspectAsync(fixture.OnCall, opened.Incident.Id, new RollbackRequest(suspect.ChangeId, "Deadlocks at peak"));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("1s", await fixture.ShowAsync("deadlock_timeout"));
        var detail = (await Queries.GetByNumberAsync(number))!;
        Assert.Equal(IncidentStatus.Monitoring, detail.Incident.Status);
        Assert.Equal(change.Id, detail.Incident.CauseChangeId);
        Assert.NotNull(detail.Incident.IdentifiedAt);
        var tail = detail.Timeline.SkipWhile(e => e.Kind != TimelineKind.RollbackStarted).Where(e => e.ActorId is not null).Select(e => e.Kind);
        Assert.Equal([TimelineKind.RollbackStarted, TimelineKind.RollbackFinished, TimelineKind.StatusChanged], tail);
        Assert.NotNull(detail.Timeline.Single(e => e.Kind == TimelineKind.RollbackFinished).RollbackRunId);
        Assert.Equal(ChangeStatus.RolledBack, (await fixture.App.Service<ChangeRegistry>().GetAsync(change.Id))!.Status);

        // A second try is refused by the procedure, and the timeline says so.
        await Assert.ThrowsAsync<RollbackRefusedException>(() =>
            Incidents.RollBackSuspectAsync(fixture.OnCall, opened.Incident.Id, new RollbackRequest(suspect.ChangeId, "again")));
        var refused = (await Queries.GetByNumberAsync(number))!.Timeline.Last(e => e.ActorId is not null);
        Assert.Equal(TimelineKind.RollbackFailed, refused.Kind);
        Assert.Null(refused.RollbackRunId); // refused before it claimed a run: the finished run is not this attempt's
        Assert.Contains("already rolled back", refused.Text);
    }

    [Fact]
    public async Task AChangeThatIsNotASuspect_CannotBeRolledBackOrMarkedFromTheIncident()
    {
        var incident = await Incidents.OpenAsync(fixture.OnCall, new NewIncident("Payments down", IncidentSeverity.Sev2, NewService()));

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() =>
            Incidents.MarkCauseAsync(fixture.OnCall, incident.Id, Guid.NewGuid()));

        Assert.Equal("ChangeId", refused.Field);
    }

    private static string NewService() => $"checkout-{Guid.NewGuid():N}"[..20];

    private static AlertSignal Page(string service, string fingerprint, DateTimeOffset startsAt, string source = "rule") =>
        new(source, fingerprint, "Checkout failure rate", AlertLevel.Page, service, "shop", "12 % of checkouts failed over 1 min (threshold 5 %)", startsAt);

    private async Task<List<AuditEntry>> AuditAsync(int number)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == IncidentService.Subject(number)).OrderBy(e => e.Sequence).ToListAsync();
    }
}
