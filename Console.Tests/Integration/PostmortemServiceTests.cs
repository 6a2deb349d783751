using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Domain;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Postmortems on a real store: drafted, edited in versions, compared, their action items tracked, every step audited.</summary>
public sealed class PostmortemServiceTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private static readonly Actor OnCall = new("u-olive", "olive", [Roles.OnCall]);
    private static readonly Actor Dba = new("u-dora", "dora", [Roles.Dba]);
    private static readonly Actor Viewer = new("u-vic", "vic", [Roles.Viewer]);

    private PostmortemService Postmortems => fixture.App.Service<PostmortemService>();

    [Fact]
    public async Task ADraft_ThenAnEdit_AreTwoVersions_WhoseDiffIsTheEdit_EachAudited()
    {
        var incident = Guid.NewGuid();
        var events = new List<PostmortemUpdated>();
        using var _ = fixture.App.Service<LiveEvents>().Subscribe(e =>
        {
            if (e is PostmortemUpdated updated && updated.IncidentId == incident)
                lock (events) events.Add(updated);
            return Task.CompletedTask;
        });

        var drafted = await Postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage());
        var edited = drafted.Markdown.Replace("_Describe the root cause here._", "") + "\nThe review missed how deadlock_timeout governs lock waits.\n";
        var saved = await Postmortems.SaveAsync(Dba, incident, edited, basedOnVersion: 1);

        var view = await Postmortems.GetAsync(incident);
        Assert.NotNull(view);
        Assert.Equal((1, 2), (drafted.Number, saved.Number));
        Assert.Equal(edited, view.Latest!.Markdown);
        Assert.Equal([2, 1], view.Versions.Select(v => v.Number));
        Assert.Equal([PostmortemVersionSource.Edited, PostmortemVersionSource.Drafted], view.Versions.Select(v => v.Source));
        Assert.Contains(PostmortemDrafter.TimelineHeading, (await Postmortems.VersionAsync(incident, 1))!.Markdown);
        var diff = await Postmortems.DiffAsync(incident, 1, 2);
        Assert.Contains(diff.Lines, l => l.Kind == DiffLineKind.Added && l.Text == "The review missed how deadlock_timeout governs lock waits.");
        Assert.True(diff.Added >= 1);

        var audit = await AuditAsync(incident);
        Assert.Equal([("postmortem.drafted", "olive", AuditOutcome.Succeeded), ("postmortem.saved", "dora", AuditOutcome.Succeeded)],
            audit.Select(e => (e.Action, e.ActorName, e.Outcome)));
        await Poll.UntilAsync(() => { lock (events) return Task.FromResult(events.Select(e => e.LatestVersion).Order().ToList()); },
            versions => versions.SequenceEqual([1, 2]), TimeSpan.FromSeconds(10), "a PostmortemUpdated event for each version");
    }

    [Fact]
    public async Task ASave_BasedOnAStaleVersion_IsRefused_Audited_AndChangesNothing()
    {
        var incident = Guid.NewGuid();
        var drafted = await Postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage());
        await Postmortems.SaveAsync(Dba, incident, drafted.Markdown + "\nDora's words.", basedOnVersion: 1);

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => Postmortems.SaveAsync(OnCall, incident, drafted.Markdown + "\nOlive's words.", basedOnVersion: 1));

        Assert.Contains("dora saved version 2", refused.Message);
        var view = await Postmortems.GetAsync(incident);
        Assert.Equal(2, view!.Latest!.Number);
        Assert.EndsWith("Dora's words.", view.Latest.Markdown);
        Assert.Equal(AuditOutcome.Refused, (await AuditAsync(incident)).Last().Outcome);
    }

    [Fact]
    public async Task AViewer_IsRefused_EveryMutation_EachRefusalAudited_AndNoPostmortemIsMade()
    {
        var incident = Guid.NewGuid();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Postmortems.DraftAsync(Viewer, incident, PostmortemDrafterTests.CheckoutOutage()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Postmortems.SaveAsync(Viewer, incident, "# mine", 0));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Postmortems.AddActionItemAsync(Viewer, incident, new("Do it", "vic", new DateOnly(2026, 4, 1))));

        Assert.Null(await Postmortems.GetAsync(incident));
        var audit = await AuditAsync(incident);
        Assert.Equal(["postmortem.drafted", "postmortem.saved", "postmortem.action_item_added"], audit.Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal((AuditOutcome.Refused, "vic"), (e.Outcome, e.ActorName)));
    }

    [Fact]
    public async Task ActionItems_AreAdded_Updated_AndClosed_AndARedraftListsThem()
    {
        var incident = Guid.NewGuid();
        var alert = await Postmortems.AddActionItemAsync(OnCall, incident, new("Alert on lock waits over 2 s", "dora", new DateOnly(2026, 3, 21)));
        var rehearse = await Postmortems.AddActionItemAsync(OnCall, incident, new("Rehearse lock settings under peak", "bob", new DateOnly(2026, 4, 1)));

        await Postmortems.UpdateActionItemAsync(Dba, rehearse.Id, new("Rehearse lock settings under peak load", "bob", new DateOnly(2026, 4, 15)), ActionItemStatus.InProgress);
        await Postmortems.CloseActionItemAsync(Dba, alert.Id);
        var closedTwice = await Assert.ThrowsAsync<DomainRuleException>(() => Postmortems.CloseActionItemAsync(Dba, alert.Id));
        var draft = await Postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage());

        Assert.Contains("already done", closedTwice.Message);
        var items = (await Postmortems.GetAsync(incident))!.ActionItems;
        Assert.Equal([("Alert on lock waits over 2 s", ActionItemStatus.Done, "dora"), ("Rehearse lock settings under peak load", ActionItemStatus.InProgress, "dora")],
            items.Select(i => (i.Title, i.Status, i.ClosedByName ?? "dora")));
        Assert.Equal(new DateOnly(2026, 4, 15), items[1].Due);
        Assert.Contains("- [x] Alert on lock waits over 2 s (owner dora, due 2026-03-21)", draft.Markdown);
        Assert.Contains("- [ ] Rehearse lock settings under peak load (owner bob, due 2026-04-15, in progress)", draft.Markdown);
        var open = await Postmortems.OpenActionItemsAsync();
        Assert.Contains(open, i => i.ItemId == rehearse.Id && i.IncidentId == incident);
        Assert.DoesNotContain(open, i => i.ItemId == alert.Id);
        Assert.Equal(
            ["postmortem.action_item_added", "postmortem.action_item_added", "postmortem.action_item_updated", "postmortem.action_item_closed",
             "postmortem.action_item_closed", "postmortem.drafted"],
            (await AuditAsync(incident)).Select(e => e.Action));
    }

    [Fact]
    public async Task AnActionItemWithoutOwner_IsRefused_NamingTheField()
    {
        var incident = Guid.NewGuid();

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => Postmortems.AddActionItemAsync(OnCall, incident, new("Alert on lock waits", "", new DateOnly(2026, 3, 21))));

        Assert.Equal("Owner", refused.Field);
        Assert.Null(await Postmortems.GetAsync(incident));
    }

    [Fact]
    public async Task TwoFirstDraftsAtOnce_MakeOnePostmortem_AndNoVersionIsLost()
    {
        var incident = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try { return (await Postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage())).Number; }
            catch (DomainRuleException) { return 0; }
        }));

        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var postmortem = await db.Postmortems.SingleAsync(p => p.IncidentId == incident);
        var versions = await db.PostmortemVersions.Where(v => v.PostmortemId == postmortem.Id).Select(v => v.Number).OrderBy(n => n).ToListAsync();
        Assert.Equal(results.Where(n => n > 0).Order(), versions);
        Assert.NotEmpty(versions);
    }

    [Fact]
    public async Task TheMarkdownFile_IsTheLatestVersion_NamedForTheIncident()
    {
        var incident = Guid.NewGuid();
        Assert.Null(await Postmortems.MarkdownFileAsync(incident, "incident-12"));
        var drafted = await Postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage());

        var file = await Postmortems.MarkdownFileAsync(incident, "incident #12");

        Assert.Equal(("postmortem-incident--12-v1.md", drafted.Markdown), (file!.FileName, file.Markdown));
    }

    private async Task<List<AuditEntry>> AuditAsync(Guid incident)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == PostmortemService.Subject(incident)).OrderBy(e => e.Id).ToListAsync();
    }
}
