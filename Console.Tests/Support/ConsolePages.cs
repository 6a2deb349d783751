using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.Support;

/// <summary>Page-object helpers shared by the browser tests; elements are found by role and accessible name.</summary>
public static class ConsolePages
{
    public static async Task SubmitLoginAsync(this IPage page, string userName, string password, string? path = null)
    {
        await page.GotoAsync(path ?? "/account/login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Signs in and waits until the shell's circuit is live, so that clicks reach the server.</summary>
    public static async Task SignInAsync(this IPage page, string userName, string password, string? path = null)
    {
        await page.SubmitLoginAsync(userName, password, path);
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Prerendered pages look ready before they are; only the interactive render sets this marker.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator(".ops-connection[data-interactive='true']").WaitForAsync();

    /// <summary>
    /// Clicks the setting in the autocomplete's list until the form shows it picked. The list is refreshed when the
    /// search that the typing started comes back; a click that lands on the list it replaces is lost, as it would be for
    /// a person, who clicks again. Bounded by a deadline, and the picked setting's details must show in the end.
    /// </summary>
    public static async Task PickSettingAsync(this IPage page, string parameter)
    {
        var option = page.GetByTestId($"setting-option-{parameter}");
        var info = page.GetByTestId("setting-info");
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < deadline && !await info.IsVisibleAsync())
        {
            if (await option.IsVisibleAsync())
                await option.ClickAsync();
            await info.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 5_000 }).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        await Expect(info).ToBeVisibleAsync();
    }
}
