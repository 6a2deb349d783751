using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Playwright;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Telemetry;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// 1, then 100, then 200 live dashboards at once: Health pages in iframes of one Chromium page, each with a Blazor circuit
/// of its own (frames share a renderer process, which keeps the browser's memory in bounds on this machine). Two push
/// latencies per event and dashboard, over 10 events:
/// <list type="bullet">
/// <item>server: from the batch's commit to the dashboard's render batch showing it being sent on its circuit, as the
/// console's own <see cref="ConsoleMetrics.LiveRenderLagName"/> histogram records it (heard here by a <see cref="MeterListener"/>);</item>
/// <item>browser: from posting the event to the dashboard's counter changing on screen, recorded in the page by a
/// MutationObserver per frame (200 frames in one renderer on the same 2 cores: the browser weighs as much as the server).</item>
/// </list>
/// A dashboard that never showed an event within 30 s is counted as missed, beside the figures, never left out silently.
/// Memory: the server's managed heap after a full collection, before and after the circuits opened, per circuit (the
/// console runs in this process; the browser does not).
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
        page.SetDefaultTimeout(600_000);
        await page.SignInAsync("circuits-viewer", Password, "/account/login?returnUrl=%2F");
        using var poster = await CheckoutPoster.CreateAsync(fixture.App);
        await poster.PostAsync(CheckoutBatches.Event("circuits")); // the dashboards open past the empty state
        await page.GotoAsync("/healthz"); // a same-origin page to hold the frames
        using var renders = new RenderLagListener(fixture.App.Service<IMeterFactory>());
        var baseline = ServerHeapBytes();

        var figures = new Dictionary<string, object>();
        var measured = new List<int>();
        foreach (var dashboards in new[] { 1, 100, 200 })
        {
            await OpenFramesAsync(page, dashboards);
            var perCircuitKb = (ServerHeapBytes() - baseline) / 1024.0 / dashboards;
            var browserMs = new List<double>();
            var serverMs = new List<double>();
            for (var i = 0; i < Events; i++)
            {
                var (screen, server) = await PushAsync(page, poster, renders, dashboards);
                browserMs.AddRange(screen);
                serverMs.AddRange(server);
            }
            browserMs.Sort();
            serverMs.Sort();
            measured.Add(Math.Min(browserMs.Count, serverMs.Count));
            figures[dashboards.ToString()] = new
            {
                dashboards, events = Events,
                serverP50Ms = Round(BenchmarkFigures.Percentile(serverMs, 0.50)), serverP95Ms = Round(BenchmarkFigures.Percentile(serverMs, 0.95)),
                serverMaxMs = Round(serverMs.LastOrDefault()), serverMissed = Math.Max(0, dashboards * Events - serverMs.Count),
                p50Ms = Round(BenchmarkFigures.Percentile(browserMs, 0.50)), p95Ms = Round(BenchmarkFigures.Percentile(browserMs, 0.95)),
                maxMs = Round(browserMs.LastOrDefault()), missed = dashboards * Events - browserMs.Count,
                heapKbPerCircuit = Round(perCircuitKb),
            };
            output.WriteLine($"{dashboards} dashboards: server p95 {BenchmarkFigures.Percentile(serverMs, 0.95):0} ms, browser p95 {BenchmarkFigures.Percentile(browserMs, 0.95):0} ms, {perCircuitKb:0} KB per circuit");
        }
        BenchmarkFigures.Report(output, "circuits.json", figures);
        Assert.All(measured, m => Assert.True(m > 0, "a step measured no push at all"));
    }

    private static double Round(double value) => Math.Round(value, 1);

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

    /// <summary>
    /// Posts one event and returns, per dashboard that showed it within 30 s, the milliseconds until its counter changed
    /// on screen (from the post) and until its render was sent (from the commit, on the server).
    /// </summary>
    private static async Task<(IEnumerable<double> Browser, IEnumerable<double> Server)> PushAsync(IPage page, CheckoutPoster poster,
        RenderLagListener renders, int dashboards)
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
        // Each measurement carries its own lag from its own commit: a late render of the previous event keeps its true figure.
        renders.Clear();
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
        // The server's renders went out before the browsers showed them; a few more seconds for those the browser missed.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (renders.Count < dashboards && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        var seen = await page.EvaluateAsync<double[]>("() => window.seen");
        return (seen.Select(at => at - postedAt), renders.TakeAll());
    }

    private static long ServerHeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The console's render lag histogram for the Health page, as measurements in milliseconds since the last <see cref="Clear"/>.</summary>
    private sealed class RenderLagListener : IDisposable
    {
        private readonly MeterListener listener = new();
        private ConcurrentQueue<double> values = new();

        public RenderLagListener(IMeterFactory consoleMeters)
        {
            // Only this console's meter (its factory is the scope), should another console live in the test process.
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ConsoleMetrics.MeterName && instrument.Meter.Scope == consoleMeters
                    && instrument.Name == ConsoleMetrics.LiveRenderLagName)
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => values.Enqueue(seconds * 1000));
            listener.Start();
        }

        public int Count => values.Count;

        public void Clear() => values = new();

        public IReadOnlyList<double> TakeAll() => [.. values];

        public void Dispose() => listener.Dispose();
    }
}
