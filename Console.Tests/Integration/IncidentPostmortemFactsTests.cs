using OpsConsole.Domain.Checkout;
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

    [Fact]
    public async Task TheImpact_IsPricedInTheCurrencyOfTheWindowsFailedCheckouts()
    {
        var ct = TestContext.Current.CancellationToken;
        var service = $"checkout-{Guid.NewGuid():N}"[..20];
        var onset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        CheckoutEvent Event(string id, TimeSpan after, CheckoutOutcome outcome, string currency) =>
            new($"{service}-{id}", onset + after, outcome, outcome == CheckoutOutcome.Failed ? ErrorClasses.DbDeadlock : null, null, 20, 40m, currency,
                "eu", service, "shop");
        // Before the onset, a failure in another currency; in the window, a success in a third one, stored first.
        await fixture.App.Service<CheckoutIngest>().IngestAsync([
            Event("before", TimeSpan.FromMinutes(-2), CheckoutOutcome.Failed, "GBP"),
            Event("paid", TimeSpan.FromSeconds(10), CheckoutOutcome.Succeeded, "CHF"),
            Event("failed", TimeSpan.FromSeconds(20), CheckoutOutcome.Failed, "USD"),
        ], ct);
        var incident = await fixture.App.Service<IncidentService>().OpenAsync(fixture.OnCall,
            new NewIncident("Checkout deadlocks at peak", IncidentSeverity.Sev1, service, fixture.TargetId, onset, "Checkouts fail"));

        // The impact is read from the per-minute rollup, which folds the ingested minutes in the background.
        var facts = await Poll.UntilAsync(() => fixture.App.Service<IncidentPostmortemFacts>().ReadAsync(incident.Id, ct), f => f.Impact is not null,
            TimeSpan.FromSeconds(60), "the window's checkouts in the rollup");

        Assert.Equal("USD", facts.Impact!.Currency);
    }
}
