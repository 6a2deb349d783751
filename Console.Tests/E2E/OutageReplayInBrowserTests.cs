using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// The seed's outage (docs: checkout-outage-postmortem), replayed in the browser on the console as a person starts it:
/// <c>dotnet run</c> with nothing configured, so its own store and demo shop clusters, the demo shop's shoppers and the
/// built-in alert rules. Everything is done through the pages: the first sign-in with the printed password, two DBAs and an
/// on-call engineer created on the users page, the shop held at peak, the deadlock_timeout change registered, approved by
/// the other DBA and applied, the incident's snackbar on the open Health page, one rollback from the incident, health back
/// to normal on the timeline, and the incident resolved.
/// </summary>
[Collection(QuietCollection.Name)]
public sealed partial class OutageReplayInBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IDisposable
{
    private const string AdminPassword = "Replay-Admin-Passw0rd!";
    private const string StaffPassword = "Replay-Staff-Passw0rd!";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    // The outage starts with the first deadlock after the apply (seconds to tens of seconds, at random); the rule then
    // needs 5 % over 2 min for 30 s and evaluates every 10 s. Generous, on a loaded 2-core machine.
    private static readonly TimeSpan IncidentDeadline = TimeSpan.FromMinutes(5);
    // The watcher judges the last minute of checkouts every 5 s; waits begun under the 30 s timer end within the shoppers' timeout.
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromMinutes(4);
    private readonly string dataRoot = PostgresClusterFixture.NewTempFolder("replay");

    public void Dispose() => PostgresClusterFixture.TryDelete(dataRoot);

    [Fact]
    public async Task TheOutage_ReplayedThroughThePages_OnTheEmbeddedDefault_EndsWithTheChangeRolledBackAndTheIncidentResolved()
    {
        var total = Stopwatch.StartNew();
        // dotnet run, as a person starts it; nothing but the address and a folder of its own.
        await using var console = ConsoleProcess.Start(RepoPaths.Root, "run", "--project", "Console.Web", "--no-build", "-c", RepoPaths.Configuration, "--",
            "--urls", $"http://127.0.0.1:{ConsoleProcess.FreePort()}", "--Embedded:DataDirectory", dataRoot);
        var url = await console.WaitUntilListeningAsync(StartTimeout);
        Progress($"listening after {total.Elapsed.TotalSeconds:0.0} s");
        try
        {
            await ReplayAsync(console, url, total);
        }
        catch
        {
            output.WriteLine("The console's output ends:\n" + string.Join('\n', console.Output.Split('\n').TakeLast(80)));
            throw;
        }
    }

    private async Task ReplayAsync(ConsoleProcess console, Uri url, Stopwatch total)
    {
        // 1. The first sign-in, with the password the console printed on its terminal; it must be changed at once.
        var generated = (await Poll.UntilAsync(() => Task.FromResult(GeneratedPassword().Match(console.Output)), m => m.Success,
            TimeSpan.FromSeconds(30), "the generated password on the terminal")).Groups[1].Value;
        var admin = await browser.NewPageAsync(url);
        await admin.SubmitLoginAsync("admin", generated, "/account/login?returnUrl=%2Fadmin");
        await admin.WaitForURLAsync("**/account/password**");
        await admin.GetByLabel("Current password").FillAsync(generated);
        await admin.GetByLabel("New password", new() { Exact = true }).FillAsync(AdminPassword);
        await admin.GetByLabel("Confirm new password").FillAsync(AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Users" })).ToBeVisibleAsync();
        await admin.WaitForInteractiveAsync();

        // 2. The team: an author and a reviewer (decision 0016: never the same person), and the engineer on call.
        await CreateUserAsync(admin, "dana", "DBA");
        await CreateUserAsync(admin, "bruno", "DBA");
        await CreateUserAsync(admin, "olga", "OnCall");

        // 3. The shop always at peak, with carts that share best-sellers and no declined cards: failures are the database's.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Demo shop" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Demo shop", Exact = true })).ToBeVisibleAsync();
        await Expect(admin.GetByTestId("demo-shop-state")).ToHaveTextAsync("Running");
        foreach (var (field, value) in new[]
                 {
                     ("RatePerSecond", "6"), ("PeakFactor", "3"), ("PeakEvery", "1"), ("PeakDuration", "60"), ("Concurrency", "6"),
                     ("CartSizeMin", "1"), ("CartSizeMax", "4"), ("HotProducts", "6"), ("HotShare", "0.6"), ("DeclineRate", "0"),
                 })
            await admin.GetByTestId($"tune-{field}").FillAsync(value);
        await admin.GetByTestId("demo-shop-apply").ClickAsync();
        await Expect(admin.GetByText("New settings applied.")).ToBeVisibleAsync();
        await Expect(admin.GetByTestId("demo-shop-peak")).ToBeVisibleAsync();
        await Expect(admin.GetByTestId("demo-shop-error")).ToHaveCountAsync(0);
        await Poll.UntilAsync(() => admin.GetByTestId("demo-shop-succeeded").InnerTextAsync(), text => long.TryParse(text.Replace(",", ""), out var n) && n >= 30,
            TimeSpan.FromSeconds(60), "checkouts counting on the demo shop page");
        Progress($"shop at peak after {total.Elapsed.TotalSeconds:0.0} s");

        // The on-call engineer keeps Health open; nothing is on fire yet.
        var onCall = await browser.SignedInPageAsync(url, "olga", StaffPassword, "/");
        await Expect(onCall.GetByRole(AriaRole.Heading, new() { Name = "Checkout health" })).ToBeVisibleAsync();
        await Expect(onCall.GetByTestId("open-incidents-banner")).ToHaveCountAsync(0);

        // 4. The morning's change "to optimize query performance": registered by one DBA, approved by the other, applied.
        var author = await browser.SignedInPageAsync(url, "dana", StaffPassword, "/changes/new");
        await Expect(author.GetByRole(AriaRole.Heading, new() { Name = "Register a change" })).ToBeVisibleAsync();
        await author.GetByLabel("Title", new() { Exact = true }).FillAsync("Raise deadlock_timeout to optimize query performance");
        await author.GetByLabel("Reason", new() { Exact = true }).FillAsync("Deadlock checks cost CPU at peak: run them less often, to optimize query performance.");
        await author.GetByLabel("Parameter", new() { Exact = true }).PressSequentiallyAsync("deadlock");
        await author.PickSettingAsync("deadlock_timeout");
        await Expect(author.GetByTestId("setting-current")).ToHaveTextAsync("1000 ms");
        await author.GetByLabel("New value", new() { Exact = true }).FillAsync("30s");
        await author.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
        await Expect(author).ToHaveURLAsync(ChangePath());
        await Expect(author.GetByTestId("status-chip")).ToHaveTextAsync("In review");
        var changeNumber = int.Parse(ChangePath().Match(new Uri(author.Url).AbsolutePath).Groups[1].Value);

        var reviewer = await browser.SignedInPageAsync(url, "bruno", StaffPassword, $"/changes/{changeNumber}");
        await reviewer.GetByLabel("Review comment").FillAsync("Looks harmless.");
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(reviewer.GetByTestId("status-chip")).ToHaveTextAsync("Approved");
        await reviewer.Context.CloseAsync();

        await Expect(author.GetByTestId("status-chip")).ToHaveTextAsync("Approved");
        // Nothing has paged at the shop's peak baseline: the incident to come is the change's.
        await Expect(onCall.GetByTestId("open-incidents-banner")).ToHaveCountAsync(0);
        await author.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(author.GetByTestId("apply-result")).ToContainTextAsync("Applied and verified.");
        var applied = total.Elapsed;
        Progress($"change #{changeNumber} applied after {applied.TotalSeconds:0.0} s");
        await author.Context.CloseAsync();

        // 5. At the next deadlock checkouts fail; the built-in rule pages and the open Health page says so.
        var snackbarLink = onCall.GetByRole(AriaRole.Link, new() { NameRegex = IncidentLinkName() });
        await snackbarLink.WaitForAsync(new() { Timeout = (float)IncidentDeadline.TotalMilliseconds });
        var opened = total.Elapsed;
        Progress($"incident snackbar after {opened.TotalSeconds:0.0} s, {(opened - applied).TotalSeconds:0.0} s after the apply");
        // A built-in checkout page: the failure rate (held 20 s), as a rule; an SLO burn rule waits until the console has
        // more checkout history than its short window (5 min for the fast one), which a slow machine may reach first.
        await Expect(onCall.GetByTestId("incident-snackbar")).ToContainTextAsync(BuiltInCheckoutPage());
        Progress($"snackbar: {await onCall.GetByTestId("incident-snackbar").InnerTextAsync()}");
        await Expect(onCall.GetByTestId("open-incidents-banner")).ToBeVisibleAsync();
        await snackbarLink.ClickAsync();
        await onCall.WaitForURLAsync(new Regex(@"/incidents/\d+$"));
        await Expect(onCall.GetByTestId("incident-status")).ToHaveTextAsync("Investigating");

        var first = onCall.Locator("[data-testid=suspect][data-rank='1']");
        await Expect(first).ToHaveAttributeAsync("data-change", changeNumber.ToString(), new() { Timeout = 60_000 });
        await Expect(first.GetByTestId("suspect-strength")).ToHaveTextAsync("strong suspect");
        await Expect(first.GetByTestId("suspect-evidence")).ToContainTextAsync("deadlock_timeout");
        Progress($"first suspect: {await first.GetByTestId("suspect-evidence").InnerTextAsync()}");

        await first.GetByRole(AriaRole.Button, new() { Name = $"Roll back change {changeNumber}" }).ClickAsync();
        var dialog = onCall.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("rollback-restored")).ToHaveTextAsync("1000 ms");
        var reason = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason*", Exact = true });
        if (await reason.InputValueAsync() == "")
            await reason.FillAsync("Deadlocks at peak since the deadlock_timeout change.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm rollback" }).ClickAsync();
        var confirmed = total.Elapsed;
        await Expect(dialog.GetByTestId("rollback-outcome")).ToHaveTextAsync("Rolled back and verified.", new() { Timeout = 60_000 });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(onCall.GetByTestId("incident-status")).ToHaveTextAsync("Monitoring");
        await Expect(first.GetByTestId("suspect-cause")).ToBeVisibleAsync();
        Progress($"rolled back after {confirmed.TotalSeconds:0.0} s");

        // 6. Health back to normal, written by the console after the rollback (an earlier dip during the outage does not count).
        var timeline = onCall.GetByTestId("incident-timeline");
        var kinds = await Poll.UntilAsync(() => onCall.GetByTestId("timeline-entry").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.kind)"),
            k => Array.LastIndexOf(k, "HealthRecovered") > Array.IndexOf(k, "RollbackFinished") && Array.IndexOf(k, "RollbackFinished") >= 0,
            RecoveryDeadline, "'Health back to normal' on the timeline after the rollback");
        var recovered = total.Elapsed;
        await Expect(timeline.Locator("[data-kind=HealthRecovered]").Last).ToContainTextAsync("Health back to normal");
        Progress($"health back to normal after {recovered.TotalSeconds:0.0} s, {(recovered - confirmed).TotalSeconds:0.0} s after the rollback was confirmed");

        await onCall.GetByTestId("control-status").ClickAsync();
        await onCall.GetByRole(AriaRole.Option, new() { Name = "Resolved", Exact = true }).ClickAsync();
        await onCall.GetByRole(AriaRole.Button, new() { Name = "Set status", Exact = true }).ClickAsync();
        await Expect(onCall.GetByTestId("incident-status")).ToHaveTextAsync("Resolved");
        await Expect(onCall.GetByTestId("time-to-recover")).Not.ToHaveTextAsync("—");

        kinds = await onCall.GetByTestId("timeline-entry").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.kind)");
        int At(string kind) => Array.IndexOf(kinds, kind);
        Assert.True(At("Opened") >= 0 && At("Opened") < At("RollbackStarted") && At("RollbackStarted") < At("RollbackFinished")
                    && At("RollbackFinished") < Array.LastIndexOf(kinds, "HealthRecovered")
                    && Array.LastIndexOf(kinds, "HealthRecovered") < Array.LastIndexOf(kinds, "StatusChanged"),
            string.Join(", ", kinds));

        var summary = $"apply → incident opened {(opened - applied).TotalSeconds:0.0} s (time to detect on the page: " +
                      $"{await onCall.GetByTestId("time-to-detect").InnerTextAsync()}); rollback confirmed → health back to normal " +
                      $"{(recovered - confirmed).TotalSeconds:0.0} s; apply → resolved {(total.Elapsed - applied).TotalSeconds:0.0} s; " +
                      $"whole test {total.Elapsed.TotalSeconds:0.0} s";
        output.WriteLine(summary);
        Console.WriteLine("Outage replay in the browser: " + summary);

        await console.InterruptAsync();
        Assert.Equal(0, await console.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private void Progress(string line) => output.WriteLine(line);

    private static async Task CreateUserAsync(IPage admin, string userName, string role)
    {
        var form = admin.GetByTestId("new-user-form");
        await form.GetByLabel("User name").FillAsync(userName);
        await form.GetByLabel("Display name").FillAsync($"{userName} ({role})");
        await form.GetByLabel("Initial password").FillAsync(StaffPassword);
        await form.GetByLabel(role, new() { Exact = true }).CheckAsync();
        await admin.GetByTestId("create-user").ClickAsync();
        var row = admin.GetByRole(AriaRole.Row).Filter(new() { Has = admin.GetByTestId($"user-{userName}") });
        await Expect(row.GetByLabel(role, new() { Exact = true })).ToBeCheckedAsync();
    }

    [GeneratedRegex(@"generated password (\S+) \(shown once")]
    private static partial Regex GeneratedPassword();

    [GeneratedRegex(@"/changes/(\d+)$")]
    private static partial Regex ChangePath();

    [GeneratedRegex(@"(Checkout failure rate|Checkout SLO burn, (fast|slow) \(\d h and \d+ min\)) on checkout \(shop\)")]
    private static partial Regex BuiltInCheckoutPage();

    [GeneratedRegex(@"^Open incident #\d+$")]
    private static partial Regex IncidentLinkName();
}
