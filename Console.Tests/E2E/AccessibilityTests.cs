using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Every page of the console, signed in and not, in light and dark mode, checked with axe-core: no critical or serious
/// violation, a main landmark, everything inside landmarks, no skipped heading level (<see cref="Axe"/>). One browser
/// context per theme visits the pages in turn. And the keyboard: a dialog opened by Tab and Enter holds the focus and
/// gives it back to its opener when Escape closes it.
/// </summary>
public sealed class AccessibilityTests(TargetFixture fixture, BrowserFixture browser) : IClassFixture<TargetFixture>
{
    private const string User = "a11y";

    /// <summary>The interactive @page routes of Components/Pages; the ones with a parameter get a row seeded for them.</summary>
    private static string[] InteractivePaths(int change, int incident, Guid rehearsal) =>
    [
        "/", "/locks", "/changes", $"/changes/{change}", "/changes/new", "/incidents", $"/incidents/{incident}", "/incidents/summary",
        "/audit", "/rehearsals/profiles", $"/rehearsals/{rehearsal}", "/admin/targets", "/admin/users", "/admin/api-keys",
        "/admin/alert-rules", "/admin/demo-shop", "/account/tokens", "/account/preferences", "/not-found",
    ];

    /// <summary>Routes with no page of their own to check: "/admin" is the users page's second route, "/error" is what the error page above shows.</summary>
    private static readonly string[] NotChecked = ["/admin", "/error"];

    [Fact]
    public void EveryRouteOfTheConsole_IsOnTheListAbove()
    {
        var visited = InteractivePaths(1, 1, Guid.NewGuid()).Concat(StaticPaths).Append("/account/login").ToList();
        var routes = typeof(App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), false))
            .Select(a => ((RouteAttribute)a).Template)
            .Except(NotChecked);
        var unseen = routes.Where(template => !visited.Any(path => Regex.IsMatch(path, Pattern(template)))).ToList();
        Assert.True(unseen.Count == 0, "pages axe never sees: " + string.Join(", ", unseen));

        static string Pattern(string template) => "^" + Regex.Replace(template, "\\{[^}]+\\}", "[^/]+") + "$";
    }

    /// <summary>The account pages that write cookies render statically ([ExcludeFromInteractiveRouting]): no circuit to wait for.</summary>
    private static readonly string[] StaticPaths = ["/account/password", "/account/access-denied"];

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task EveryPage_HasNoSeriousAxeViolation(string theme)
    {
        var (change, incident, rehearsal) = await SeedAsync();
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        await page.Context.AddCookiesAsync([new Cookie
        {
            Name = ThemePreference.CookieName, Value = theme, Url = fixture.App.BaseUrl.ToString(),
        }]);
        var failures = new List<string>();

        await page.GotoAsync("/account/login");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await CheckAsync(page, "/account/login", failures);

        await page.SignInAsync(User, TargetFixture.Password);
        foreach (var path in InteractivePaths(change, incident, rehearsal))
        {
            await page.GotoAsync(path);
            await page.WaitForInteractiveAsync();
            await Expect(page.Locator($"[data-theme='{theme}']")).ToHaveCountAsync(1);
            await CheckAsync(page, path, failures);
        }
        foreach (var path in StaticPaths)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("h1")).ToBeVisibleAsync();
            await CheckAsync(page, path, failures);
        }

        Assert.True(failures.Count == 0, $"axe-core in {theme} mode:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task ADialogOpenedByKeyboard_HoldsTheFocus_AndGivesItBackToItsOpenerOnEscape()
    {
        await CreateUserOnceAsync();
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, User, TargetFixture.Password, "/incidents");
        var opener = page.GetByRole(AriaRole.Button, new() { Name = "Open incident", Exact = true });
        await Expect(opener).ToBeVisibleAsync();

        // Tab from the top of the document to the button, as a keyboard user would; bounded by the page's own controls.
        await page.Locator("body").FocusAsync();
        for (var presses = 0; presses < 60 && !await IsFocusedAsync(opener); presses++)
            await page.Keyboard.PressAsync("Tab");
        Assert.True(await IsFocusedAsync(opener), "Tab never reached 'Open incident'");
        Assert.Equal("solid", await opener.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));

        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Open an incident" });
        await Expect(dialog).ToBeVisibleAsync();
        await Poll.UntilAsync(() => FocusIsInsideAsync(dialog), inside => inside, TimeSpan.FromSeconds(15), "the focus to move into the dialog");

        // More Tabs than the dialog has controls: the focus goes round inside it, never back to the page behind.
        for (var presses = 0; presses < 15; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            Assert.True(await FocusIsInsideAsync(dialog), $"Tab {presses + 1} left the dialog");
        }

        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Poll.UntilAsync(() => IsFocusedAsync(opener), back => back, TimeSpan.FromSeconds(15), "the focus to come back to 'Open incident'");
    }

    private static Task<bool> IsFocusedAsync(ILocator element) => element.EvaluateAsync<bool>("e => e === document.activeElement");

    private static Task<bool> FocusIsInsideAsync(ILocator dialog) => dialog.EvaluateAsync<bool>("d => d.contains(document.activeElement)");

    private static async Task CheckAsync(IPage page, string path, List<string> failures)
    {
        // The first render of live figures and charts lands a moment after the circuit connects.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        foreach (var violation in await Axe.ViolationsAsync(page))
            failures.Add($"  {path}: {violation}");
    }

    /// <summary>A user with every role (so every button shows), and a change, an incident and a finished rehearsal to visit.</summary>
    private async Task<(int Change, int Incident, Guid Rehearsal)> SeedAsync()
    {
        await CreateUserOnceAsync();
        var change = await fixture.AppliedSettingChangeAsync("lock_timeout", "3s");
        var incident = await fixture.App.Service<IncidentService>().OpenAsync(fixture.OnCall,
            new NewIncident($"Checkout failing {Guid.NewGuid().ToString("N")[..6]}", IncidentSeverity.Sev2, "checkout", fixture.TargetId));
        var rehearsal = FinishedRehearsal(change.Id, change.Number);
        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreSuperuserConnectionString))
        {
            db.Rehearsals.Add(rehearsal);
            await db.SaveChangesAsync();
        }
        return (change.Number, incident.Number, rehearsal.Id);
    }

    private static readonly SemaphoreSlim UserGate = new(1, 1);
    private static bool userCreated;

    private async Task CreateUserOnceAsync()
    {
        await UserGate.WaitAsync();
        try
        {
            if (!userCreated)
                await fixture.App.CreateUserAsync(User, TargetFixture.Password, Roles.All.ToArray());
            userCreated = true;
        }
        finally { UserGate.Release(); }
    }

    private Rehearsal FinishedRehearsal(Guid changeId, int changeNumber)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        RunFigures Run(long attempted, double p95) => new(at, TimeSpan.FromSeconds(10), attempted, attempted,
            ErrorClasses.All.ToDictionary(c => c, _ => 0L), 0, 0, TimeSpan.FromSeconds(1.5), p95 / 2, p95, p95 * 1.5,
            [.. Enumerable.Range(0, 10).Select(i => new RunSecond(i, (int)attempted / 10, 0, p95))]);
        var profile = RehearsalProfileDefaults.Peak with { Rounds = 1 };
        var rehearsal = new Rehearsal(changeId, changeNumber, fixture.TargetId, "shop", profile, fixture.Dba1, Guid.NewGuid(), at);
        rehearsal.Begin(at);
        rehearsal.Finish(RehearsalReport.Of([Run(100, 200)], [Run(98, 210)], profile.Thresholds), at.AddMinutes(1));
        rehearsal.RecordRevert("Staging's settings are back as before (all of pg_settings compared).", exact: true);
        return rehearsal;
    }
}
