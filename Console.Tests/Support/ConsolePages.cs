using Microsoft.Playwright;

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
}
