using System.Globalization;
using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// A high-risk setting change gated on a load rehearsal, in the browser: refused for approval, rehearsed from the change
/// with progress to watch, its report on the change, then approved. On the staging fixture's own cluster (the collection
/// keeps other staging tests off it meanwhile).
/// </summary>
[Collection(StagingCollection.Name)]
public sealed class RehearsalPagesTests(StagingFixture fixture, BrowserFixture browser)
{
    private static readonly TimeSpan Rehearsal = TimeSpan.FromMinutes(4);

    private Task<IPage> SignedInAsync(string user, string path) => browser.SignedInPageAsync(fixture.App.BaseUrl, user, StagingFixture.Password, path);

    /// <summary>
    /// Short and forgiving, so that a harmless change passes on a loaded machine: one round of 10 s each side, and thresholds
    /// only a broken change would cross.
    /// </summary>
    private async Task<string> SaveShortProfileAsync(int seconds = 10)
    {
        var name = $"Short rehearsal {Guid.NewGuid().ToString("N")[..6]}";
        await fixture.App.Service<RehearsalProfiles>().SaveAsync(fixture.Dba, null, RehearsalProfileDefaults.Peak with
        {
            // No hot rows: a baseline that collapses under a loaded machine's lock queues cannot be judged, and fails.
            Name = name, RatePerSecond = 4, PeakMultiplier = 2, ConcurrentShoppers = 4, HotShare = 0, Duration = TimeSpan.FromSeconds(seconds), Rounds = 1,
            Thresholds = new RehearsalThresholds(FailureRatePoints: 50, DeadlockFactor: 10, DeadlockAllowance: 1000, P95Factor: 100),
        });
        return name;
    }

    [Fact]
    public async Task AHighRiskChange_IsApprovedOnlyAfterADbaRehearsesItFromTheChange_AndItPasses()
    {
        var reviewerName = $"dba-{Guid.NewGuid().ToString("N")[..6]}";
        await fixture.App.CreateUserAsync(reviewerName, StagingFixture.Password, Roles.Dba);
        var profile = await SaveShortProfileAsync();
        var change = await fixture.App.Service<ChangeRegistry>().RegisterSettingAsync(fixture.Dba, new SettingChangeRequest(fixture.ProductionId, "work_mem",
            "8MB", new ChangeDetails("Raise work_mem for the reports", "Sorts spill to disk at peak.", null, ChangeRisk.High, null), SubmitForReview: true));
        Assert.True(change.RehearsalRequired);
        var path = $"/changes/{change.Number}";

        var reviewer = await SignedInAsync(reviewerName, path);
        await Expect(reviewer.GetByTestId("why-not")).ToContainTextAsync("the review policy needs a passing load rehearsal before it is approved");
        await Expect(reviewer.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
        await Expect(reviewer.GetByTestId("no-rehearsals")).ToBeVisibleAsync();

        // A Viewer reads the section but is offered no Rehearse (the service would refuse, and audit, all the same).
        var viewerName = $"viewer-{Guid.NewGuid().ToString("N")[..6]}";
        await fixture.App.CreateUserAsync(viewerName, StagingFixture.Password, Roles.Viewer);
        var viewer = await SignedInAsync(viewerName, path);
        await Expect(viewer.GetByTestId("rehearsal-required")).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Rehearse" })).ToHaveCountAsync(0);
        await viewer.Context.CloseAsync();

        var dba = await SignedInAsync("dba", path);
        await dba.GetByRole(AriaRole.Button, new() { Name = "Rehearse" }).ClickAsync();
        var dialog = dba.GetByRole(AriaRole.Dialog, new() { Name = $"Rehearse change #{change.Number}" });
        await Expect(dialog).ToBeVisibleAsync();
        // Production targets are not offered at all.
        await dialog.GetByTestId("rehearse-target").ClickAsync();
        await Expect(dba.GetByRole(AriaRole.Option, new() { Name = "prod", Exact = true })).ToHaveCountAsync(0);
        await dba.GetByRole(AriaRole.Option, new() { Name = "staging", Exact = true }).ClickAsync();
        await dialog.GetByTestId("rehearse-profile").ClickAsync();
        await dba.GetByRole(AriaRole.Option, new() { Name = profile, Exact = true }).ClickAsync();
        await Expect(dialog.GetByTestId("rehearse-profile-summary")).ToContainTextAsync("1 round");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        // The progress moves: the phase goes from the baseline to the run with the change, the bar fills, figures come in.
        var phase = dba.GetByTestId("rehearsal-phase");
        await Expect(phase).ToContainTextAsync("round 1 of 1", new() { Timeout = 60_000 });
        await Expect(phase).ToContainTextAsync("run with the change", new() { Timeout = 120_000 });
        await Expect(dba.GetByTestId("live-attempted")).Not.ToHaveTextAsync("0", new() { Timeout = 60_000 });
        var bar = dba.GetByRole(AriaRole.Progressbar, new() { Name = "Rehearsal progress" });
        var percent = double.Parse((await bar.GetAttributeAsync("aria-valuenow"))!, CultureInfo.InvariantCulture);
        Assert.InRange(percent, 1, 99);
        await Expect(dba.GetByRole(AriaRole.Button, new() { Name = "Cancel rehearsal" })).ToBeVisibleAsync();
        // The reviewer's open page follows too, without a reload.
        await Expect(reviewer.GetByTestId("rehearsal-running")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // The report on the change: the verdict with its checks, both sides, the revert.
        var verdict = dba.GetByTestId("verdict");
        await Expect(verdict).ToHaveAttributeAsync("data-passed", "true", new() { Timeout = (float)Rehearsal.TotalMilliseconds });
        await Expect(dba.GetByTestId("verdict-check")).ToHaveCountAsync(3);
        await Expect(dba.GetByTestId("figure-checkouts")).ToBeVisibleAsync();
        await Expect(dba.GetByTestId("revert-outcome")).ToHaveAttributeAsync("data-exact", "true");
        await Expect(dba.GetByTestId("rehearsal-row").First).ToHaveAttributeAsync("data-status", nameof(RehearsalStatus.Passed));
        Assert.NotEqual("8MB", await fixture.ShowAsync("work_mem"));

        // The second DBA sees the verdict beside the actions, and may now approve (the first of the two a high-risk change needs).
        await Expect(reviewer.GetByTestId("latest-rehearsal")).ToHaveAttributeAsync("data-passed", "true", new() { Timeout = 30_000 });
        await Expect(reviewer.GetByTestId("why-not")).ToHaveCountAsync(0);
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(reviewer.GetByRole(AriaRole.Heading, new() { Name = "Reviews (1 of 2 approvals)" })).ToBeVisibleAsync();
        await Expect(reviewer.GetByTestId("reviews")).ToContainTextAsync(reviewerName);

        // The report has a page of its own.
        await dba.GetByRole(AriaRole.Link, new() { Name = "Report" }).First.ClickAsync();
        await Expect(dba.GetByRole(AriaRole.Heading, new() { Name = $"Rehearsal of change #{change.Number}" })).ToBeVisibleAsync();
        await Expect(dba.GetByTestId("verdict")).ToHaveAttributeAsync("data-passed", "true");
    }

    [Fact]
    public async Task CancellingFromTheRehearsalPage_AfterConfirming_EndsItWithoutAVerdict_AndSaysWhy()
    {
        var profile = await SaveShortProfileAsync(seconds: 120);
        var change = await fixture.App.Service<ChangeRegistry>().RegisterSettingAsync(fixture.Dba, new SettingChangeRequest(fixture.ProductionId, "work_mem",
            "6MB", new ChangeDetails("Raise work_mem a little", "Sorts spill to disk.", null, ChangeRisk.Medium, null), SubmitForReview: true));
        var rehearsal = await fixture.App.Service<RehearsalService>().StartAsync(fixture.Dba, new RehearsalRequest(change.Number, fixture.TargetId, profile));

        var page = await SignedInAsync("dba", $"/rehearsals/{rehearsal.Id}");
        await Expect(page.GetByTestId("rehearsal-phase")).ToContainTextAsync("baseline run", new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("report-pending")).ToBeVisibleAsync();

        // Keeping it running is one choice of the confirmation; the rehearsal goes on.
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel rehearsal" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Keep it running" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Null((await fixture.App.Service<RehearsalService>().GetAsync(rehearsal.Id))!.CancelRequestedAt);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel rehearsal" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel rehearsal" }).ClickAsync();
        await Expect(page.GetByTestId("rehearsal-status")).ToHaveAttributeAsync("data-status", nameof(RehearsalStatus.Cancelled), new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("rehearsal-reason")).ToHaveTextAsync("Cancelled, no verdict: Cancelled by dba.");
        await Expect(page.GetByTestId("rehearsal-running")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("verdict")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("revert-outcome")).ToHaveAttributeAsync("data-exact", "true");
        Assert.NotEqual("6MB", await fixture.ShowAsync("work_mem"));
    }
}
