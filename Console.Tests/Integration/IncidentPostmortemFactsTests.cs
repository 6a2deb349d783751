using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>A postmortem drafted from a stored incident: its facts are read from the incident, its timeline and notes.</summary>
public sealed class IncidentPostmortemFactsTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    [Fact]
    public async Task ADraft_FromAStoredIncident_HoldsTheSections_TheTimeline_AndTheLatestTextOfItsNotes()
    {
        var incidents = fixture.App.Service<IncidentService>();
        var service = $"checkout-{Guid.NewGuid():N}"[..20];
        var incident = await incidents.OpenAsync(fixture.OnCall, new NewIncident("Checkout deadlocks at peak", IncidentSeverity.Sev1, service,
            fixture.TargetId, DateTimeOffset.UtcNow.AddMinutes(-20), "Three in ten checkouts fail"));
        var kept = await incidents.AddNoteAsync(fixture.OnCall, incident.Id, "Gateway looks fine, **not** the cause");
        await incidents.EditNoteAsync(fixture.OnCall, incident.Id, kept, "Gateway is fine; deadlocks on inventory rows");
        var gone = await incidents.AddNoteAsync(fixture.OnCall, incident.Id, "Paging the payments team");
        await incidents.DeleteNoteAsync(fixture.OnCall, incident.Id, gone);
        await incidents.SetStatusAsync(fixture.OnCall, incident.Id, IncidentStatus.Identified);

        var facts = await fixture.App.Service<IncidentPostmortemFacts>().ReadAsync(incident.Id);
        var draft = await fixture.App.Service<PostmortemService>().DraftAsync(fixture.OnCall, incident.Id, facts);

        Assert.Equal((incident.Number, "SEV1", service, "shop"), (facts.IncidentNumber, facts.Severity, facts.Service, facts.TargetName));
        Assert.Contains(facts.Timeline, t => t.Text == "Gateway is fine; deadlocks on inventory rows");
        Assert.DoesNotContain(facts.Timeline, t => t.Text.Contains("Gateway looks fine") || t.Text.Contains("payments team"));
        Assert.Contains(facts.Timeline, t => t.Kind == nameof(TimelineKind.StatusChanged));
        Assert.Null(facts.Durations.Total); // still open
        var headings = new[] { PostmortemDrafter.SummaryHeading, PostmortemDrafter.TimelineHeading, PostmortemDrafter.RootCauseHeading,
            PostmortemDrafter.MeasuresHeading };
        Assert.Equal(headings.Order(), headings.Where(draft.Markdown.Contains).Order());
        Assert.True(draft.Markdown.IndexOf(PostmortemDrafter.SummaryHeading) < draft.Markdown.IndexOf(PostmortemDrafter.TimelineHeading));
        Assert.Contains("deadlocks on inventory rows", draft.Markdown);
        Assert.Contains("Checkout deadlocks at peak", draft.Markdown);
    }
}
