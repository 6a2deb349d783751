using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class IncidentPagesTests(TargetFixture fixture, BrowserFixture browser) : IClassFixture<TargetFixture>
{
    private IncidentService Incidents => fixture.App.Service<IncidentService>();

    private Task<IPage> SignedInAsync(string user, string path) => browser.SignedInPageAsync(fixture.App.BaseUrl, user, TargetFixture.Password, path);

    private static string Unique(string text) => $"{text} {Guid.NewGuid().ToString("N")[..8]}";

    private Task<Incident> OpenOnTargetAsync(string title) =>
        Incidents.OpenAsync(fixture.OnCall, new NewIncident(title, IncidentSeverity.Sev2, "checkout", fixture.TargetId));

    private static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    [Fact]
    public async Task AViewer_ReadsTheTimelineAndSuspects_ButHasNoActionButton()
    {
        var change = await fixture.AppliedSettingChangeAsync("lock_timeout", "3s");
        var incident = await OpenOnTargetAsync(Unique("Checkout failing"));
        await Incidents.AddNoteAsync(fixture.OnCall, incident.Id, "Paged the **payments** team.");

        var page = await SignedInAsync("viewer", $"/incidents/{incident.Number}");

        var timeline = page.GetByTestId("incident-timeline");
        await Expect(timeline.Locator("[data-kind=Opened]")).ToContainTextAsync("Opened by oncall as SEV2");
        await Expect(timeline.GetByTestId("note-text").Locator("strong")).ToHaveTextAsync("payments");
        await Expect(page.Locator($"[data-testid=suspect][data-change='{change.Number}']")).ToBeVisibleAsync();
        foreach (var name in new[] { "Roll back", "Mark as cause", "Add note", "Set status", "Take command", "Edit", "Delete" })
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = name })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("incident-controls")).ToHaveCountAsync(0);

        await page.GotoAsync("/incidents");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("incidents-table")).ToContainTextAsync(incident.Title);
        await Expect(Button(page, "Open incident")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AViewer_ReadsTheTimelineAndDownloadsThePostmortem_ButHasNoButtonToChangeIt()
    {
        var incident = await OpenOnTargetAsync(Unique("Checkout deadlocks"));
        await Incidents.AddNoteAsync(fixture.OnCall, incident.Id, "Paged the payments team.");
        var postmortems = fixture.App.Service<PostmortemService>();
        await postmortems.AddActionItemAsync(fixture.OnCall, incident.Id, new ActionItemRequest("Alert on deadlock_timeout changes", "dba1", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(14))));
        await postmortems.DraftAsync(fixture.OnCall, incident.Id, await fixture.App.Service<IncidentPostmortemFacts>().ReadAsync(incident.Id));

        var page = await SignedInAsync("viewer", $"/incidents/{incident.Number}");
        await Expect(page.GetByTestId("incident-timeline").GetByTestId("note-text")).ToContainTextAsync("Paged the payments team.");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Postmortem", Exact = true }).ClickAsync();

        var text = page.GetByTestId("postmortem-text");
        foreach (var heading in new[] { "Summary", "Timeline", "Root cause and resolution", "Corrective and preventive measures" })
            await Expect(text.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
        await Expect(text.Locator("table")).ToContainTextAsync("Paged the payments team.");
        await Expect(page.GetByTestId("action-item")).ToContainTextAsync("Alert on deadlock_timeout changes");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download .md" }).ClickAsync());
        Assert.EndsWith(".md", download.SuggestedFilename);
        var markdown = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        foreach (var heading in new[] { "## Summary", "## Timeline", "## Root cause and resolution", "## Corrective and preventive measures" })
            Assert.Contains(heading + "\n", markdown.ReplaceLineEndings("\n"));
        Assert.Matches(new Regex(@"(?m)^\| [0-9: -]+ \| .+ \| oncall \| Paged the payments team\. \|\r?$"), markdown);
        Assert.Contains("Alert on deadlock_timeout changes", markdown);

        foreach (var name in new[] { "Draft from incident", "Redraft from incident", "Edit", "Add", "Start", "Close", "Reopen" })
            await Expect(Button(page, name)).ToHaveCountAsync(0);
        // The postmortem's Read, Edit and Versions are tabs: Versions is there for a Viewer, Edit is not.
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Versions (1)", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save as version" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("action-item-form")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("postmortem-editor")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ThePrintedPostmortem_LeavesOutTheConsoleAndItsButtons()
    {
        var incident = await OpenOnTargetAsync(Unique("Checkout slow"));
        await fixture.App.Service<PostmortemService>().DraftAsync(fixture.OnCall, incident.Id,
            await fixture.App.Service<IncidentPostmortemFacts>().ReadAsync(incident.Id));
        var page = await SignedInAsync("oncall", $"/incidents/{incident.Number}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Postmortem", Exact = true }).ClickAsync();
        var text = page.GetByTestId("postmortem-text");
        await Expect(text.GetByRole(AriaRole.Heading, new() { Name = "Summary", Exact = true })).ToBeVisibleAsync();
        var chrome = new[]
        {
            page.Locator(".mud-appbar"), page.Locator(".mud-drawer"), page.GetByTestId("incident-controls"),
            page.GetByRole(AriaRole.Tab, new() { Name = "Postmortem", Exact = true }), Button(page, "Print"),
            page.GetByRole(AriaRole.Link, new() { Name = "Download .md" }), Button(page, "Redraft from incident"),
            page.GetByRole(AriaRole.Tab, new() { Name = "Edit", Exact = true }),
            page.GetByTestId("action-item-form"),
        };
        foreach (var part in chrome)
            await Expect(part).ToBeVisibleAsync();

        await page.EmulateMediaAsync(new() { Media = Media.Print });

        foreach (var part in chrome)
            await Expect(part).ToBeHiddenAsync();
        await Expect(page.GetByTestId("incident-title")).ToBeVisibleAsync();
        foreach (var heading in new[] { "Summary", "Timeline", "Root cause and resolution", "Corrective and preventive measures" })
            await Expect(text.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task OnCall_EditsThePostmortem_SavesItAsANewVersion_AndTheDiffShowsTheAddedLine()
    {
        var incident = await OpenOnTargetAsync(Unique("Checkout timeouts"));
        var postmortems = fixture.App.Service<PostmortemService>();
        await postmortems.DraftAsync(fixture.OnCall, incident.Id, await fixture.App.Service<IncidentPostmortemFacts>().ReadAsync(incident.Id));
        var page = await SignedInAsync("oncall", $"/incidents/{incident.Number}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Postmortem", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("postmortem-version")).ToContainTextAsync("Version 1, drafted by oncall");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Edit", Exact = true }).ClickAsync();
        var source = page.GetByRole(AriaRole.Textbox, new() { Name = "Markdown" });
        const string added = "- Page the DBA on call for any deadlock_timeout change.";
        await source.FillAsync((await source.InputValueAsync()).TrimEnd() + "\n" + added + "\n");
        await Expect(page.GetByTestId("postmortem-preview")).ToContainTextAsync("Page the DBA on call for any deadlock_timeout change.");
        await Button(page, "Save as version 2").ClickAsync();

        await Expect(page.GetByTestId("postmortem-version")).ToContainTextAsync("Version 2, edited by oncall");
        await Expect(page.GetByTestId("postmortem-text")).ToContainTextAsync("Page the DBA on call for any deadlock_timeout change.");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Versions (2)", Exact = true }).ClickAsync();
        await Button(page, "Compare").ClickAsync();
        var diff = page.GetByTestId("postmortem-diff");
        await Expect(diff.Locator("tr.ops-diff-added")).ToContainTextAsync(added);
        await Expect(diff.Locator("tr.ops-diff-removed")).ToHaveCountAsync(0);
        Assert.Equal(2, (await postmortems.GetAsync(incident.Id, TestContext.Current.CancellationToken))!.Latest!.Number);
    }

    [Fact]
    public async Task ANoteWithScriptAndJavascriptLinks_RendersInert()
    {
        var incident = await OpenOnTargetAsync(Unique("Notes render safely"));
        var page = await SignedInAsync("oncall", $"/incidents/{incident.Number}");
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };

        const string note = "Look **here** <script>window.__pwned = 1; alert(1)</script> [click me](javascript:window.__pwned=2) "
                            + "<img src=x onerror=\"window.__pwned=3\"> [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)";
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Add a note (Markdown)" }).FillAsync(note);
        await Button(page, "Add note").ClickAsync();

        var rendered = page.GetByTestId("incident-timeline").GetByTestId("note-text");
        await Expect(rendered.Locator("strong")).ToHaveTextAsync("here");
        await Expect(rendered.Locator("script")).ToHaveCountAsync(0);
        await Expect(rendered.Locator("img[onerror]")).ToHaveCountAsync(0);
        foreach (var href in await rendered.Locator("a").EvaluateAllAsync<string?[]>("as => as.map(a => a.getAttribute('href'))"))
            Assert.True(href is null || !(href.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) || href.StartsWith("data:", StringComparison.OrdinalIgnoreCase)),
                $"a link kept a dangerous href: {href}");
        var link = rendered.GetByText("click me");
        if (await link.CountAsync() > 0)
            await link.First.ClickAsync();
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        Assert.Equal(0, dialogs);
        // The text is kept raw in the store: the page made it safe, the timeline did not lose it.
        var stored = await fixture.App.Service<IncidentQueries>().GetByNumberAsync(incident.Number);
        Assert.Contains("<script>", stored!.Timeline.Single(e => e.Kind == TimelineKind.Note).Text);
    }

    [Fact]
    public async Task OnCall_OpensAnIncidentByHand_WithTheKeyboard_AndAnotherOpenListShowsItLive()
    {
        var watcher = await SignedInAsync("viewer", "/incidents");
        var page = await SignedInAsync("oncall", "/incidents");
        var title = Unique("Checkout slow for card payments");

        await Button(page, "Open incident").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var titleBox = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Title" });
        await titleBox.FillAsync("  ");
        // Enter once the field has redrawn as invalid: a key pressed while that redraw lands can be lost with the focus (a CI failure).
        await Expect(titleBox).ToHaveAttributeAsync("aria-invalid", "true");
        await titleBox.PressAsync("Enter");
        await Expect(dialog).ToContainTextAsync("Give a title.");

        await titleBox.FillAsync(title);
        await titleBox.PressAsync("Enter");

        await Expect(page.GetByTestId("incident-title")).ToContainTextAsync(title);
        await Expect(page.GetByTestId("incident-commander")).ToHaveTextAsync("oncall");
        await Expect(watcher.GetByTestId("incidents-table")).ToContainTextAsync(title);
        await Expect(watcher.GetByTestId("open-incidents-count")).Not.ToHaveCountAsync(0);
    }

    [Fact]
    public async Task OnCall_RollsBackTheTopSuspectFromTheIncident_AndItMovesToMonitoringWithTheTimelineInOrder()
    {
        var change = await fixture.AppliedSettingChangeAsync("deadlock_timeout", "25s");
        var incident = await OpenOnTargetAsync(Unique("Deadlocks at checkout"));
        var page = await SignedInAsync("oncall", $"/incidents/{incident.Number}");

        var suspect = page.Locator($"[data-testid=suspect][data-change='{change.Number}']");
        await suspect.GetByRole(AriaRole.Button, new() { Name = $"Roll back change {change.Number}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("rollback-aftermath")).ToContainTextAsync("moves to Monitoring");
        // The incident is the reason already; the responder may say more.
        var reason = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason*", Exact = true });
        await Expect(reason).ToHaveValueAsync($"Incident #{incident.Number}: {incident.Title}");
        await reason.FillAsync("Deadlock detection came too late.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm rollback" }).ClickAsync();
        await Expect(dialog.GetByTestId("rollback-outcome")).ToHaveTextAsync("Rolled back and verified.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        await Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("Monitoring");
        await Expect(suspect.GetByTestId("suspect-cause")).ToBeVisibleAsync();
        var kinds = await page.GetByTestId("timeline-entry").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.kind)");
        var started = Array.IndexOf(kinds, "RollbackStarted");
        Assert.True(started >= 0 && started < Array.IndexOf(kinds, "RollbackFinished") && Array.IndexOf(kinds, "RollbackFinished") < Array.LastIndexOf(kinds, "StatusChanged"),
            string.Join(", ", kinds));
        Assert.Equal("1s", await fixture.ShowAsync("deadlock_timeout"));
    }
}
