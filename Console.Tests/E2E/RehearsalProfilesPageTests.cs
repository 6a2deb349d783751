using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// /rehearsals/profiles in Chromium: a DBA keeps a scripted profile (creates it with the keyboard, edits it after a refusal
/// on the field, deletes it after confirming); a Viewer reads the list and is offered none of that.
/// </summary>
public sealed class RehearsalProfilesPageTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private const string Password = "Profiles-Passw0rd!";
    private const string Nightly = "Nightly batch";
    private const string Peak = "Black Friday peak";

    private static ILocator Row(IPage page, string profile) =>
        page.GetByTestId("profiles-table").GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(profile, new() { Exact = true }) });

    private Task<RehearsalProfile?> StoredAsync(string name) =>
        fixture.App.Service<RehearsalProfiles>().ListAsync().ContinueWith(t => t.Result.FirstOrDefault(p => p.Name == name), TaskScheduler.Default);

    [Fact]
    public async Task ADba_CreatesAScriptedProfile_EditsItsRoundsAfterARefusal_AndDeletesIt()
    {
        var dbaName = $"profiles-dba-{Guid.NewGuid().ToString("N")[..6]}";
        await fixture.App.CreateUserAsync(dbaName, Password, Roles.Dba);
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        await page.SignInAsync(dbaName, Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Rehearsal profiles" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rehearsal profiles", Exact = true })).ToBeVisibleAsync();
        await Expect(Row(page, Peak)).ToContainTextAsync("demo shop checkout");

        // New: two SQL scripts, saved with Enter in the name field.
        await page.GetByRole(AriaRole.Button, new() { Name = "New profile" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New rehearsal profile" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByText("SQL scripts (run by pgbench)").ClickAsync();
        await dialog.GetByLabel("Script 1 name", new() { Exact = true }).FillAsync("pay");
        await dialog.GetByLabel("Script 1 weight", new() { Exact = true }).FillAsync("3");
        await dialog.GetByLabel("Script 1 SQL", new() { Exact = true }).FillAsync("\\set id random(1, 1000)\nUPDATE accounts SET balance = balance - 1 WHERE id = :id;");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add a script" }).ClickAsync();
        await dialog.GetByLabel("Script 2 name", new() { Exact = true }).FillAsync("browse");
        var name = dialog.GetByLabel("Name", new() { Exact = true });
        await name.FillAsync(Nightly);
        // A script that would run a shell command is refused on its own SQL field, and nothing is saved.
        var browseSql = dialog.GetByLabel("Script 2 SQL", new() { Exact = true });
        await browseSql.FillAsync("\\shell rm -rf /tmp/x\nSELECT 1;");
        await name.PressAsync("Enter");
        await Expect(dialog.GetByText("browse uses \\shell, which would run a command on the console's machine")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("profile-error")).ToHaveCountAsync(0);
        Assert.Null(await StoredAsync(Nightly));

        await browseSql.FillAsync("\\set id random(1, 1000)\nSELECT * FROM accounts WHERE id = :id;");
        await name.PressAsync("Enter");

        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Row(page, Nightly)).ToContainTextAsync("2 SQL scripts");
        await Expect(Row(page, Nightly).GetByTestId("profile-rounds")).ToHaveTextAsync("3");
        var created = await StoredAsync(Nightly);
        Assert.NotNull(created);
        Assert.Equal(["pay@3", "browse@1"], created.Scripts.Select(s => $"{s.Name}@{s.Weight}"));
        Assert.Equal(dbaName, created.UpdatedBy);

        // Edit: rounds 0 is refused on the field and nothing is saved; 5 is saved.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {Nightly}" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Edit {Nightly}" });
        await Expect(dialog.GetByLabel("Script 2 name", new() { Exact = true })).ToHaveValueAsync("browse");
        var rounds = dialog.GetByLabel("Rounds", new() { Exact = true });
        await rounds.FillAsync("0");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(dialog.GetByText("Rounds must be between 1 and 9 rounds; it was 0.")).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("profile-error")).ToHaveCountAsync(0);
        Assert.Equal(3, (await StoredAsync(Nightly))!.Rounds);

        await rounds.FillAsync("5");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Row(page, Nightly).GetByTestId("profile-rounds")).ToHaveTextAsync("5");
        var edited = (await StoredAsync(Nightly))!;
        Assert.Equal((5, 2), (edited.Rounds, edited.Scripts.Count));

        // The search narrows the list by name.
        await page.GetByLabel("Search profiles").FillAsync("nightly");
        await Expect(Row(page, Peak)).ToHaveCountAsync(0);
        await Expect(Row(page, Nightly)).ToHaveCountAsync(1);

        // Delete asks first.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {Nightly}" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync($"Delete {Nightly}?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Row(page, Nightly)).ToHaveCountAsync(0);
        await Poll.UntilAsync(() => StoredAsync(Nightly), p => p is null, TimeSpan.FromSeconds(30), "the profile deleted");
    }

    [Fact]
    public async Task AViewer_ReadsTheProfiles_AndIsOfferedNoNewEditOrDelete()
    {
        var viewerName = $"profiles-viewer-{Guid.NewGuid().ToString("N")[..6]}";
        await fixture.App.CreateUserAsync(viewerName, Password, Roles.Viewer);
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, viewerName, Password, "/rehearsals/profiles");

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Rehearsal profiles" })).ToBeVisibleAsync();
        await Expect(Row(page, Peak)).ToContainTextAsync("18/s (6 × 3)");
        await Expect(Row(page, Peak)).ToContainTextAsync("demo shop checkout");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New profile" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Edit {Peak}" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Delete {Peak}" })).ToHaveCountAsync(0);
    }
}
