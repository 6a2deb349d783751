using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Incidents;

namespace OpsConsole.Tests.Domain;

public sealed class IncidentLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 14, 12, 0, TimeSpan.Zero);
    private static readonly Actor OnCall = new("u-oncall", "oncall", [Roles.OnCall]);
    private static readonly Actor Dba = new("u-dba", "dba", [Roles.Dba]);

    private static Incident Open() => Incident.OpenByHand("Checkout errors", IncidentSeverity.Sev2, "checkout", null, null, Now.AddMinutes(-3), null, OnCall, Now);

    [Fact]
    public void OpenedByHand_StartsInvestigating_WithTheOpenerAsCommander_AndOnsetBeforeOpening()
    {
        var incident = Open();

        Assert.Equal((IncidentStatus.Investigating, "oncall", Now.AddMinutes(-3), Now),
            (incident.Status, incident.CommanderName, incident.OnsetAt, incident.OpenedAt));
        Assert.Equal(TimelineKind.Opened, Assert.Single(incident.Timeline).Kind);
    }

    [Fact]
    public void OpenedFromAnAlert_TakesOnsetFromItsStart_AndWritesTheAlertBeforeTheOpening()
    {
        var alert = new AlertSignal("rule", "r1", "Checkout failure rate", AlertLevel.Page, "checkout", "shop", "12 % failed", Now.AddSeconds(-40));

        var incident = Incident.OpenFromAlert(alert, IncidentSeverity.Sev2, null, Now);

        Assert.Equal(Now.AddSeconds(-40), incident.OnsetAt);
        Assert.Equal([TimelineKind.AlertFired, TimelineKind.Opened], incident.Timeline.Select(e => e.Kind));
        Assert.Equal(Now.AddSeconds(-40), incident.Timeline[0].At);
        Assert.Equal(["r1"], incident.Fingerprints);
    }

    [Fact]
    public void AnAlertStartingInTheFuture_HasItsOnsetClampedToNow()
    {
        var alert = new AlertSignal("api", "x", "Clock skew", AlertLevel.Page, "checkout", null, "", Now.AddMinutes(10));

        Assert.Equal(Now, Incident.OpenFromAlert(alert, IncidentSeverity.Sev3, null, Now).OnsetAt);
    }

    [Fact]
    public void Forward_MaySkipSteps_AndSetsIdentifiedOnce()
    {
        var incident = Open();

        incident.MoveTo(IncidentStatus.Monitoring, OnCall, Now.AddMinutes(5));
        incident.MoveTo(IncidentStatus.Investigating, OnCall, Now.AddMinutes(6), "errors are back");
        incident.MoveTo(IncidentStatus.Identified, OnCall, Now.AddMinutes(7));

        Assert.Equal(Now.AddMinutes(5), incident.IdentifiedAt);
    }

    [Fact]
    public void AResolvedIncident_CanOnlyBeReopened_WhichClearsItsResolution()
    {
        var incident = Open();
        incident.MoveTo(IncidentStatus.Resolved, OnCall, Now.AddMinutes(30));

        var refused = Assert.Throws<DomainRuleException>(() => incident.MoveTo(IncidentStatus.Monitoring, OnCall, Now.AddMinutes(31)));
        Assert.Equal([IncidentStatus.Investigating], incident.NextStatuses);
        incident.MoveTo(IncidentStatus.Investigating, OnCall, Now.AddMinutes(32));

        Assert.Equal("Status", refused.Field);
        Assert.Null(incident.ResolvedAt);
        Assert.Contains("Reopened by oncall", incident.Timeline[^1].Text);
    }

    [Fact]
    public void MovingToTheSameStatus_IsRefused()
    {
        Assert.Throws<DomainRuleException>(() => Open().MoveTo(IncidentStatus.Investigating, OnCall, Now));
    }

    [Fact]
    public void AFinishedRollback_NamesTheCause_AndMovesToMonitoring_ButNotBackFromResolvedOrMonitoring()
    {
        var incident = Open();
        var change = Guid.NewGuid();

        incident.RecordRollbackStarted(change, 12, "deadlocks", OnCall, Now.AddMinutes(1));
        incident.RecordRollbackFinished(change, 12, null, "Rolled back and verified.", OnCall, Now.AddMinutes(2));

        Assert.Equal((IncidentStatus.Monitoring, change, 12, Now.AddMinutes(1)),
            (incident.Status, incident.CauseChangeId, incident.CauseChangeNumber, incident.IdentifiedAt));
        Assert.Equal([TimelineKind.Opened, TimelineKind.RollbackStarted, TimelineKind.RollbackFinished, TimelineKind.StatusChanged],
            incident.Timeline.Select(e => e.Kind));
    }

    [Fact]
    public void ARollbackFromAResolvedIncident_IsRefused()
    {
        var incident = Open();
        incident.MoveTo(IncidentStatus.Resolved, OnCall, Now);

        Assert.Throws<DomainRuleException>(() => incident.RecordRollbackStarted(Guid.NewGuid(), 1, "late", OnCall, Now));
    }

    [Fact]
    public void NoteEditsAndDeletions_KeepTheOldText_AndOnlyTheAuthorMakesThem()
    {
        var incident = Open();
        var note = incident.AddNote("first **draft**", Dba, Now);
        var state = new NoteState(1, Dba.Id, Dba.Name, note.Text, false);

        Assert.Throws<DomainRuleException>(() => incident.EditNote(state, "hijack", OnCall, Now));
        incident.EditNote(state, "second", Dba, Now);
        incident.DeleteNote(state with { Text = "second" }, Dba, Now);

        Assert.Equal(("second", "first **draft**"), (incident.Timeline[^2].Text, incident.Timeline[^2].PreviousText));
        Assert.Equal("second", incident.Timeline[^1].PreviousText);
        Assert.Throws<DomainRuleException>(() => incident.DeleteNote(state with { Deleted = true }, Dba, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("nul \0 inside")]
    public void ANoteWithNothingOrAControlCharacter_IsRefusedNamingTheField(string text)
    {
        Assert.Equal("Text", Assert.Throws<DomainRuleException>(() => Open().AddNote(text, OnCall, Now)).Field);
    }

    [Theory]
    [InlineData("sev1", IncidentSeverity.Sev1)]
    [InlineData("SEV3", IncidentSeverity.Sev3)]
    [InlineData("4", IncidentSeverity.Sev4)]
    [InlineData("critical", null)]
    [InlineData("sev5", null)]
    public void Severity_IsParsedFromItsNameOrNumber(string text, IncidentSeverity? expected)
    {
        Assert.Equal(expected, IncidentText.ParseSeverity(text));
    }

    [Fact]
    public void AnAlertsSeverityLabel_SetsTheIncidentsSeverity_ElseAPageIsSev2()
    {
        var alert = new AlertSignal("alertmanager", "f", "HighErrorRate", AlertLevel.Page, "checkout", null, "", Now);

        Assert.Equal(IncidentSeverity.Sev2, IncidentAlertSink.SeverityOf(alert));
        Assert.Equal(IncidentSeverity.Sev1, IncidentAlertSink.SeverityOf(alert with { Labels = new Dictionary<string, string> { ["severity"] = "sev1" } }));
    }
}
