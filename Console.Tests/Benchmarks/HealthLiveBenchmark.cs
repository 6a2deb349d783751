using System.Diagnostics;
using OpsConsole.Domain.Access;
using OpsConsole.Tests.E2E;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Ingest-to-browser latency: one checkout event POSTed at a time, timed until the open Health page in Chromium
/// counts it (pushed over the Blazor circuit, the page never polls the server). Goal: p95 under a second.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class HealthLiveBenchmark(ConsoleAppFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<ConsoleAppFixture>
{
    private const int Events = 200;
    private const string Password = "Bench-Passw0rd!";

    [Benchmark]
    public async Task TwoHundredEvents_FromTheApiToAnOpenDashboard()
    {
        await fixture.App.CreateUserAsync("bench-viewer", Password, Roles.Viewer);
        var page = await browser.SignedInPageAsync(fixture.App.BaseUrl, "bench-viewer", Password);
        using var poster = await CheckoutPoster.CreateAsync(fixture.App);

        // Warm-up (not timed): the first event also replaces the empty state.
        await poster.PostAsync(CheckoutBatches.Event("bench"));
        await HealthPageTests.ReceivedAsync(page, 1, 10_000);

        var durations = new List<double>();
        for (var i = 0; i < Events; i++)
        {
            var clock = Stopwatch.StartNew();
            await poster.PostAsync(CheckoutBatches.Event("bench", outcome: i % 10 == 0 ? "failed" : "succeeded",
                errorClass: i % 10 == 0 ? "db_deadlock" : null));
            await HealthPageTests.ReceivedAsync(page, i + 2, 10_000);
            durations.Add(clock.Elapsed.TotalMilliseconds);
        }

        durations.Sort();
        var figures = new
        {
            events = Events,
            p50Ms = BenchmarkFigures.Percentile(durations, 0.50),
            p95Ms = BenchmarkFigures.Percentile(durations, 0.95),
            maxMs = durations[^1],
        };
        BenchmarkFigures.Report(output, "health-live.json", figures);
    }
}
