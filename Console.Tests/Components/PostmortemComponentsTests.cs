using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Domain;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Pages.Incidents.Postmortem;

namespace OpsConsole.Tests.Components;

/// <summary>The postmortem panel over a real store: who sees which buttons, drafting, editing with preview, versions, action items.</summary>
public sealed class PostmortemComponentsTests : ConsoleComponentContext, IClassFixture<ConsoleAppFixture>
{
    private static readonly Actor OnCall = new("u-olive", "olive", [Roles.OnCall]);
    private static readonly Actor Dba = new("u-dora", "dora", [Roles.Dba]);
    private static readonly Actor Viewer = new("u-vic", "vic", [Roles.Viewer]);

    private readonly PostmortemService postmortems;

    public PostmortemComponentsTests(ConsoleAppFixture fixture)
    {
        postmortems = fixture.App.Service<PostmortemService>();
        Services.AddSingleton(postmortems);
        Services.AddSingleton(fixture.App.Service<LiveEvents>());
        Services.AddSingleton(TimeProvider.System);
    }

    private IRenderedComponent<PostmortemPanel> Panel(Guid incident, Actor actor) =>
        Render<PostmortemPanel>(p => p
            .Add(c => c.IncidentId, incident)
            .Add(c => c.Actor, actor)
            .Add(c => c.Facts, () => Task.FromResult(PostmortemDrafterTests.CheckoutOutage())));

    /// <summary>The button of that name, once it shows (a click's render may land after the click returns on a loaded machine).</summary>
    private static IElement Button(IRenderedComponent<PostmortemPanel> panel, string name)
    {
        panel.WaitForAssertion(() => Assert.True(HasButton(panel, name), $"No button {name}"));
        return panel.FindAll("button").First(b => b.TextContent.Trim() == name);
    }

    /// <summary>
    /// Finds the button and clicks it, again if a live reload re-rendered in between (bUnit then knows the old handler no
    /// more): the panel reloads whenever the service publishes, which may land between the find and the click.
    /// </summary>
    private static void Click(IRenderedComponent<PostmortemPanel> panel, string name)
    {
        Button(panel, name);
        panel.WaitForAssertion(() => panel.FindAll("button").First(b => b.TextContent.Trim() == name).Click());
    }

    private static IElement Editor(IRenderedComponent<PostmortemPanel> panel) => panel.WaitForElement("[data-testid=postmortem-editor] textarea");

    private static bool HasButton(IRenderedComponent<PostmortemPanel> panel, string name) => panel.FindAll("button").Any(b => b.TextContent.Trim() == name);

    [Fact]
    public async Task AViewer_ReadsThePostmortemAndItsItems_WithNoButtonThatChangesThem()
    {
        var incident = Guid.NewGuid();
        await postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage());
        await postmortems.AddActionItemAsync(OnCall, incident, new("Alert on lock waits over 2 s", "dora", new DateOnly(2026, 3, 21)));

        var panel = Panel(incident, Viewer);

        panel.WaitForAssertion(() => Assert.Equal("Summary", panel.Find("[data-testid=postmortem-text] h2").TextContent));
        Assert.Contains("Alert on lock waits over 2 s", panel.Find("[data-testid=action-item]").TextContent);
        Assert.Equal($"/postmortems/{incident}.md", panel.Find("a[download]").GetAttribute("href"));
        Assert.True(HasButton(panel, "Print"));
        foreach (var name in new[] { "Edit", "Redraft from incident", "Draft from incident", "Add", "Close", "Start" })
            Assert.False(HasButton(panel, name), $"a Viewer is offered {name}");
        Assert.Empty(panel.FindAll("[data-testid=action-item-form]"));
    }

    [Fact]
    public void OnCall_DraftsFromTheIncident_EditsWithAPreview_AndSavesTheNextVersion()
    {
        var incident = Guid.NewGuid();
        var panel = Panel(incident, OnCall);
        panel.WaitForElement("[data-testid=postmortem-empty]");

        Click(panel, "Draft from incident");
        panel.WaitForAssertion(() => Assert.Contains("Version 1, drafted by olive", panel.Find("[data-testid=postmortem-version]").TextContent));
        Click(panel, "Edit");
        panel.WaitForAssertion(() => Editor(panel).Input("# Postmortem\n\n## Summary\n\n**Root cause:** change #7"));
        Assert.Equal("change #7", panel.Find("[data-testid=postmortem-preview]").TextContent.Split("Root cause:")[1].Trim());
        Click(panel, "Save as version 2");

        panel.WaitForAssertion(() => Assert.Contains("Version 2, edited by olive", panel.Find("[data-testid=postmortem-version]").TextContent));
        Assert.Equal("Root cause:", panel.Find("[data-testid=postmortem-text] strong").TextContent);
        Assert.True(HasButton(panel, "Versions (2)"));
    }

    [Fact]
    public async Task ASaveOverSomeoneElsesNewerVersion_IsRefusedAboveTheEditor_AndTheTextStays()
    {
        var incident = Guid.NewGuid();
        var drafted = await postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage());
        var panel = Panel(incident, OnCall);
        panel.WaitForElement("[data-testid=postmortem-text]");
        Click(panel, "Edit");
        panel.WaitForAssertion(() => Editor(panel).Input(drafted.Markdown + "\nOlive's words."));

        await postmortems.SaveAsync(Dba, incident, drafted.Markdown + "\nDora's words.", basedOnVersion: 1);
        Click(panel, "Save as version 2");

        panel.WaitForAssertion(() => Assert.Contains("dora saved version 2", panel.Find("[data-testid=postmortem-error]").TextContent));
        Assert.EndsWith("Olive's words.", panel.Find("[data-testid=postmortem-editor] textarea").GetAttribute("value") ?? panel.Find("[data-testid=postmortem-editor] textarea").TextContent);
        Assert.EndsWith("Dora's words.", (await postmortems.GetAsync(incident))!.Latest!.Markdown);
    }

    [Fact]
    public async Task TheVersions_CompareTheLatestTwo_AndShowWhatWasAdded()
    {
        var incident = Guid.NewGuid();
        var drafted = await postmortems.DraftAsync(OnCall, incident, PostmortemDrafterTests.CheckoutOutage());
        await postmortems.SaveAsync(Dba, incident, drafted.Markdown.TrimEnd('\n') + "\nThe review missed the lock settings.", basedOnVersion: 1);
        var panel = Panel(incident, Viewer);
        panel.WaitForElement("[data-testid=postmortem-text]");

        Click(panel, "Versions (2)");
        Click(panel, "Compare");

        panel.WaitForAssertion(() => Assert.Contains("Version 1 → version 2: 1 added, 0 removed", panel.Find("[data-testid=postmortem-diff]").TextContent));
        var added = panel.FindAll("tr.ops-diff-added");
        Assert.Equal("The review missed the lock settings.", Assert.Single(added).QuerySelector(".ops-diff-text")!.TextContent);
        Assert.Equal(2, panel.FindAll("[data-testid=postmortem-versions] tbody tr").Count(r => r.QuerySelector(".ops-diff-text") is null));
    }

    [Fact]
    public void AnActionItem_WithoutOwner_IsRefusedOnTheField_ThenAddedAndClosed()
    {
        var incident = Guid.NewGuid();
        var panel = Panel(incident, OnCall);
        panel.WaitForElement("[data-testid=action-item-form]");
        IElement Field(int i) => panel.FindAll("[data-testid=action-item-form] input")[i];

        panel.WaitForAssertion(() => Field(0).Change("Alert on lock waits over 2 s"));
        panel.WaitForAssertion(() => Field(2).Change("2026-03-21"));
        Click(panel, "Add");
        panel.WaitForAssertion(() => Assert.Contains("Name who owns it", panel.Find("[data-testid=action-item-form]").TextContent));
        Assert.Empty(panel.FindAll("[data-testid=action-item]"));

        panel.WaitForAssertion(() => Field(1).Change("dora"));
        Click(panel, "Add");
        panel.WaitForAssertion(() => Assert.Contains("Open", panel.Find("[data-testid=action-item]").TextContent));
        Assert.Contains("2026-03-21", panel.Find("[data-testid=action-item]").TextContent);
        Click(panel, "Close");

        panel.WaitForAssertion(() => Assert.Contains("Done (olive)", panel.Find("[data-testid=action-item]").TextContent));
        Assert.True(HasButton(panel, "Reopen"));
    }
}
