using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// 100 and then 200 live dashboards at once: Health pages in iframes of one Chromium page, each with a Blazor circuit
/// of its own (frames share a renderer process, which keeps the browser's memory in bounds on this machine).
/// Push latency: from posting one event to each dashboard's counter showing it, recorded in the page by a
/// MutationObserver per frame, over 10 events. Memory: the server's managed heap after a full collection, before
/// and after the circuits opened, per circuit (the console runs in this process; the browser does not).
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class DashboardCircuitsBenchmark(ConsoleAppFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<ConsoleAppFixture>
{
    private const int Events = 10;
    private const string Password = "Bench-Passw0rd!";

    [Benchmark]
    public async Task OneHundredAndTwoHundredDashboards()
    {
        await fixture.App.CreateUserAsync("circuits-viewer", Password, Roles.Viewer);
        var page = await browser.NewPageAsync(fixture.App.BaseUrl);
        page.SetDefaultTimeout(300_000);
        await page.SignInAsync("circuits-viewer", Password, "/account/login?returnUrl=%2F");
        using var poster = await CheckoutPoster.CreateAsync(fixture.App);
        await poster.PostAsync(CheckoutBatches.Event("circuits")); // the dashboards open past the empty state
        await page.GotoAsync("/healthz"); // a same-origin page to hold the frames
        var baseline = ServerHeapBytes();

        var figures = new Dictionary<string, object>();
        foreach (var dashboards in new[] { 100, 200 })
        {
            await OpenFramesAsync(page, dashboards);
            var perCircuitKb = (ServerHeapBytes() - baseline) / 1024.0 / dashboards;
            var latencies = new List<double>();
            for (var i = 0; i < Events; i++)
                latencies.AddRange(await PushAsync(page, poster, dashboards));
            latencies.Sort();
            Assert.NotEmpty(latencies);
            figures[dashboards.ToString()] = new
            {
                dashboards, events = Events, p50Ms = BenchmarkFigures.Percentile(latencies, 0.50), p95Ms = BenchmarkFigures.Percentile(latencies, 0.95),
                maxMs = latencies[^1], missed = dashboards * Events - latencies.Count, heapKbPerCircuit = Math.Round(perCircuitKb, 1),
            };
        }
        BenchmarkFigures.Report(output, "circuits.json", figures);
    }

    /// <summary>Adds frames up to <paramref name="total"/>, a few at a time, and waits until every one is interactive.</summary>
    private static async Task OpenFramesAsync(IPage page, int total)
    {
        await page.EvaluateAsync("""
            total => {
                const add = () => {
                    const open = document.querySelectorAll('iframe').length;
                    if (open >= total) return;
                    for (let i = open; i < Math.min(total, open + 10); i++) {
                        const frame = document.createElement('iframe');
                        frame.src = '/'; frame.width = 400; frame.height = 300;
                        document.body.appendChild(frame);
                    }
                    setTimeout(add, 500);
                };
                add();
            }
            """, total);
        await page.WaitForFunctionAsync("""
            total => [...document.querySelectorAll('iframe')].filter(f =>
                f.contentDocument?.querySelector(".ops-connection[data-interactive='true']")
                && f.contentDocument.querySelector('[data-testid=events-received]')).length >= total
            """, total, new() { PollingInterval = 250 });
    }

    /// <summary>Posts one event and returns, per dashboard, the milliseconds until its counter changed.</summary>
    private static async Task<IEnumerable<double>> PushAsync(IPage page, CheckoutPoster poster, int dashboards)
    {
        await page.EvaluateAsync("""
            () => {
                window.seen = [];
                for (const frame of document.querySelectorAll('iframe')) {
                    const counter = frame.contentDocument.querySelector('[data-testid=events-received]');
                    const before = counter.dataset.count;
                    const watch = new MutationObserver(() => {
                        const now = frame.contentDocument.querySelector('[data-testid=events-received]');
                        if (now && now.dataset.count !== before) { window.seen.push(Date.now()); watch.disconnect(); }
                    });
                    watch.observe(frame.contentDocument.body, { subtree: true, attributes: true, childList: true, characterData: true });
                }
            }
            """);
        var postedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await poster.PostAsync(CheckoutBatches.Event("circuits"));
        try
        {
            await page.WaitForFunctionAsync("n => window.seen.length >= n", dashboards, new() { PollingInterval = 50, Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            // A dashboard whose circuit dropped under load never shows it: counted as missed, not waited for.
        }
        var seen = await page.EvaluateAsync<double[]>("() => window.seen");
        return seen.Select(at => at - postedAt);
    }

    private static long ServerHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
