using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(OpsConsole.Tests.Support.BrowserFixture))]

namespace OpsConsole.Tests.Support;

/// <summary>
/// One headless Debian Chromium for the run, driven by Playwright; every test opens its own context
/// (own cookies). Playwright's own browser download is never used: there is no network for it here.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? playwright;
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install it with 'apt-get install -y chromium' (scripts/test.sh does).");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    /// <param name="timezoneId">The browser's time zone (an IANA id); the machine's when null.</param>
    public async Task<IPage> NewPageAsync(Uri baseUrl, string? timezoneId = null)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString().TrimEnd('/'), TimezoneId = timezoneId });
        // Generous: CI runs browser tests beside integration tests on two cores, and a page can wait behind them.
        context.SetDefaultTimeout(30_000);
        // Assertions too (their own default is 5 s): a click's answer comes back over a circuit that may wait as long.
        Assertions.SetDefaultExpectTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A new page signed in as <paramref name="userName"/> and sent on to <paramref name="path"/>, its circuit live.</summary>
    public async Task<IPage> SignedInPageAsync(Uri baseUrl, string userName, string password, string path = "/", string? timezoneId = null)
    {
        var page = await NewPageAsync(baseUrl, timezoneId);
        await page.SignInAsync(userName, password, $"/account/login?returnUrl={Uri.EscapeDataString(path)}");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
            await browser.DisposeAsync();
        playwright?.Dispose();
    }
}
