using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Web.Components.Pages.Incidents;

namespace OpsConsole.Tests.Components;

public sealed class IncidentComponentsTests : ConsoleComponentContext
{
    private static readonly Actor OnCall = new("u-oncall", "oncall", [Roles.OnCall]);
    private static readonly Actor Dba = new("u-dba1", "dba1", [Roles.Dba]);
    private static readonly Actor Viewer = new("u-viewer", "viewer", [Roles.Viewer]);
    private static readonly DateTimeOffset Onset = new(2026, 11, 3, 14, 12, 0, TimeSpan.Zero);

    public IncidentComponentsTests()
    {
        // Rendering never calls the service (clicks are the browser tests' business), so it gets no store.
        Services.AddSingleton(new IncidentService(null!, null!, null!, null!, null!, null!, null!, TimeProvider.System));
    }

    /// <summary>An incident opened by on-call at onset, with one note of theirs five minutes later.</summary>
    private static IncidentDetail WithNote(string markdown)
    {
        var incident = Incident.OpenByHand("Checkout failing", IncidentSeverity.Sev1, "checkout", null, null, Onset, "Card payments fail", OnCall, Onset);
        incident.AddNote(markdown, OnCall, Onset.AddMinutes(5));
        incident.MoveTo(IncidentStatus.Identified, OnCall, Onset.AddMinutes(9));
        return new IncidentDetail(incident, incident.Timeline, []);
    }

    private IRenderedComponent<IncidentTimeline> Timeline(IncidentDetail detail, Actor actor) =>
        Render<IncidentTimeline>(p => p.Add(t => t.Detail, detail).Add(t => t.Actor, actor).Add(t => t.CanManage, Incident.CanManage(actor)));

    private static IReadOnlyList<string> Buttons(IRenderedComponent<IncidentTimeline> timeline) =>
        timeline.FindAll("button").Select(b => b.TextContent.Trim()).Where(t => t.Length > 0).ToList();

    [Fact]
    public void Timeline_ShowsEntriesInOrderWithAnIconPerKind_AndTheNoteAsRenderedMarkdown()
    {
        var timeline = Timeline(WithNote("Paged **payments**."), Viewer);

        var kinds = timeline.FindAll("[data-testid=timeline-entry]").Select(e => e.GetAttribute("data-kind")).ToList();
        Assert.Equal(["Opened", "Note", "StatusChanged"], kinds);
        Assert.Equal("payments", timeline.Find("[data-testid=note-text] strong").TextContent);
        Assert.Contains("Status investigating → identified by oncall", timeline.FindAll("[data-testid=timeline-entry]")[2].TextContent);
        Assert.Contains("2026-11-03 14:17:00", timeline.FindAll("[data-testid=timeline-entry]")[1].TextContent);
    }

    [Fact]
    public void Timeline_ForAViewer_HasNoActionButton()
    {
        var timeline = Timeline(WithNote("Paged payments."), Viewer);

        Assert.Empty(Buttons(timeline));
        Assert.Empty(timeline.FindAll("[data-testid=add-note]"));
    }

    [Fact]
    public void Timeline_OffersEditAndDelete_OnlyToTheNotesAuthor_AndAddNoteToEveryManager()
    {
        var detail = WithNote("Paged payments.");

        var author = Buttons(Timeline(detail, OnCall));
        Assert.Contains("Edit", author);
        Assert.Contains("Delete", author);
        Assert.Contains("Add note", author);

        var other = Buttons(Timeline(detail, Dba));
        Assert.DoesNotContain("Edit", other);
        Assert.DoesNotContain("Delete", other);
        Assert.Contains("Add note", other);
    }

    [Fact]
    public void Timeline_RendersAScriptInANoteInert()
    {
        var timeline = Timeline(WithNote("hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"), Viewer);

        var note = timeline.Find("[data-testid=note-text]");
        Assert.Empty(note.QuerySelectorAll("script"));
        Assert.Empty(note.QuerySelectorAll("[onerror]"));
        Assert.DoesNotContain(note.QuerySelectorAll("a"), a => a.GetAttribute("href")?.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public void ImpactPanel_ShowsFailedCheckoutsTheirShareAndDurationsFromOnset()
    {
        var incident = Incident.OpenByHand("Checkout failing", IncidentSeverity.Sev1, "checkout", null, null, Onset, null, OnCall, Onset.AddMinutes(2));
        incident.MoveTo(IncidentStatus.Identified, OnCall, Onset.AddMinutes(58));
        var failures = new Dictionary<string, long> { ["db_deadlock"] = 30 };
        CheckoutMinutePoint Minute(int m, long attempts, long failed) =>
            new(Onset.AddMinutes(m), attempts, attempts - failed, failed, null, 100, 200, 300, (attempts - failed) * 50m, failures);
        var impact = IncidentImpact.Of([Minute(0, 100, 10), Minute(1, 100, 30)]);

        var panel = Render<ImpactPanel>(p => p.Add(i => i.Incident, incident).Add(i => i.Impact, impact).Add(i => i.Now, Onset.AddMinutes(85)));

        Assert.Equal("40 of 200 (20 %)", panel.Find("[data-testid=impact-failed]").TextContent.Trim());
        Assert.StartsWith("2,000.00", panel.Find("[data-testid=impact-revenue]").TextContent.Trim());
        Assert.Equal("2 min", panel.Find("[data-testid=time-to-detect]").TextContent.Trim());
        Assert.Equal("58 min", panel.Find("[data-testid=time-to-identify]").TextContent.Trim());
        Assert.Equal("—", panel.Find("[data-testid=time-to-recover]").TextContent.Trim());
        Assert.Equal("1 h 25 min (ongoing)", panel.Find("[data-testid=time-total]").TextContent.Trim());
    }

    [Fact]
    public void ImpactPanel_WithoutCheckoutAttempts_SaysSoInsteadOfShowingZeroes()
    {
        var incident = Incident.OpenByHand("Payments slow", IncidentSeverity.Sev3, "payments", null, null, Onset, null, OnCall, Onset);

        var panel = Render<ImpactPanel>(p => p.Add(i => i.Incident, incident).Add(i => i.Impact, IncidentImpact.Of([])).Add(i => i.Now, Onset.AddMinutes(5)));

        Assert.Contains("No checkout attempts recorded for payments", panel.Find("[data-testid=impact-none]").TextContent);
        Assert.Empty(panel.FindAll("[data-testid=impact-failed]"));
    }

    [Fact]
    public void RollbackAftermath_SaysTheTimelineRecordsItAndTheIncidentMovesToMonitoring()
    {
        var incident = Incident.OpenByHand("Deadlocks", IncidentSeverity.Sev1, "checkout", null, null, Onset, null, OnCall, Onset);

        var text = SuspectsPanel.Aftermath(incident, 42);

        Assert.Contains("timeline records the rollback", text);
        Assert.Contains("change #42 is named as the cause and the incident moves to Monitoring.", text);
    }
}
