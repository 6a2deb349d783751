using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Telemetry;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Telemetry;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// /metrics, scraped as Prometheus scrapes it, moves by exactly what the console did. Alone on the machine: OpenTelemetry
/// listens to meters by name, so another test's console in this process would add its ingest to these counters.
/// </summary>
[Collection(QuietCollection.Name)]
public sealed partial class MetricsEndpointTests(PostgresClusterFixture postgres)
{
    private const string Ingest = "/api/v1/checkout-events";
    private const string Events = "opsconsole_ingest_events_total";
    private const string Throttled = "opsconsole_ingest_throttled_total";
    private const string BatchCount = "opsconsole_ingest_batch_duration_seconds_count";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AScrapeAfterIngest_FindsTheCountersMovedByWhatWasStored_Duplicated_AndRefused()
    {
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("metrics"), new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:Enabled"] = "true",
            // One slot and no wait: batches sent at once meet a busy ingest and are refused with 429.
            ["Ingest:MaxConcurrentBatches"] = "1",
            ["Ingest:QueueWait"] = "00:00:00",
        });
        using var scraper = new HttpClient { BaseAddress = app.BaseUrl };
        using var sender = await app.ApiClientAsync("metrics", ApiScopes.EventsWrite);
        var before = await PrometheusScrape.ReadAsync(scraper);

        var first = CheckoutBatches.Json("metrics-test", 25);
        foreach (var batch in new[] { first, CheckoutBatches.Json("metrics-test", 25), CheckoutBatches.Json("metrics-test", 25), first })
        {
            using var answer = await PostAsync(sender, batch);
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        }
        var (accepted, refused) = await SendUntilOneIsRefusedAsync(sender);

        var stored = 75 + 40 * accepted;
        var after = await Poll.UntilAsync(() => PrometheusScrape.ReadAsync(scraper),
            s => Moved(before, s, Events, "result=stored") == stored, Deadline, $"{stored} stored events counted");
        Assert.Equal(25, Moved(before, after, Events, "result=duplicate"));
        Assert.Equal(refused, Moved(before, after, Throttled));
        Assert.Equal(4 + accepted, Moved(before, after, BatchCount));
    }

    [Fact]
    public async Task TheScrape_IsPrometheusText_AndNamesTheConsolesOwnMetrics()
    {
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("metrics_text"), new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:Enabled"] = "true",
        });
        using var scraper = new HttpClient { BaseAddress = app.BaseUrl };
        using var sender = await app.ApiClientAsync("metrics", ApiScopes.EventsWrite);
        using (var stored = await PostAsync(sender, CheckoutBatches.Json("metrics-text", 3)))
            Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);

        using var response = await scraper.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE opsconsole_ingest_events_total counter", text);
        Assert.Contains("# TYPE opsconsole_ingest_batch_duration_seconds histogram", text);
        // Buckets in seconds, not the SDK's default ones (0 to 10,000, meant for milliseconds).
        Assert.Matches("""opsconsole_ingest_batch_duration_seconds_bucket\{[^}]*le="0.0025"\} """, text);
        // ASP.NET Core's own request metrics come along.
        Assert.Contains("http_server_request_duration_seconds", text);
    }

    [Fact]
    public async Task TheRollupLag_IsMeasured_OnceTheIngestedBatchIsFolded()
    {
        var store = await postgres.CreateStoreAsync("metrics_rollup");
        await using var app = new ConsoleApp(store, new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:Enabled"] = "true",
        });
        using var scraper = new HttpClient { BaseAddress = app.BaseUrl };
        using var sender = await app.ApiClientAsync("metrics", ApiScopes.EventsWrite);

        using (var stored = await PostAsync(sender, CheckoutBatches.Json("metrics-rollup", 3)))
            Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);

        // Two waits, so that a failure says which half failed: the fold itself (seen in the store), then its measurement.
        try
        {
            await Poll.UntilAsync(() => FoldedAsync(store), folded => folded, Deadline, "the roll-up to fold the batch's delta into its minute");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nWhat the console logged:\n{await app.ReadLogAsync()}", e);
        }
        var scrape = await Poll.UntilAsync(() => PrometheusScrape.ReadAsync(scraper),
            s => s.Sum("opsconsole_checkout_rollup_lag_seconds_count") >= 1, Deadline, "the folding roll-up pass to be measured");
        var lag = scrape.Sum("opsconsole_checkout_rollup_lag_seconds_sum");
        // The pass runs every Checkout:RollupInterval (2 s): the delta waited at most that long, plus a loaded machine's delay.
        Assert.InRange(lag, 0, Deadline.TotalSeconds);
    }

    private static async Task<bool> FoldedAsync(string store)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        return !await db.CheckoutMinuteDeltas.AnyAsync() && await db.CheckoutMinutes.AnyAsync(m => m.Service == "metrics-rollup");
    }

    [Fact]
    public async Task EveryMetricOfTheReadme_IsExported_UnderItsName_AndNoOtherOfOurs()
    {
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("metrics_names"), new Dictionary<string, string?>
        {
            ["Telemetry:Metrics:Enabled"] = "true",
        });
        using var scraper = new HttpClient { BaseAddress = app.BaseUrl };
        // One measurement of each: an instrument is exported from its first one on.
        var metrics = app.Service<ConsoleMetrics>();
        metrics.IngestStored(2, 1, TimeSpan.FromMilliseconds(4));
        metrics.IngestThrottled();
        metrics.IngestGroupWritten(3);
        metrics.LockTick("names", TimeSpan.FromMilliseconds(3));
        metrics.RollupPass(TimeSpan.FromSeconds(1));
        metrics.LiveDelivered("Named", TimeSpan.FromMilliseconds(1));
        metrics.BridgeDelivered("named", TimeSpan.FromMilliseconds(2));
        metrics.LiveRendered("health", TimeSpan.FromMilliseconds(5));
        metrics.CircuitOpened();
        metrics.RollbackEnded("succeeded", TimeSpan.FromMilliseconds(300));
        metrics.DriftChecked("clean", TimeSpan.FromMilliseconds(20));

        var exported = (await PrometheusScrape.ReadAsync(scraper)).Families("opsconsole_");
        var documented = ReadmeMetric().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"))).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.True(documented.Count >= 13, $"README's Telemetry table names only {string.Join(", ", documented)}");
        Assert.Equal(documented.Order(), exported.Order());
    }

    [Fact]
    public async Task TheScrapeEndpoint_IsNotThere_WhenMetricsAreOff_NorIsOpenTelemetry()
    {
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("metrics_off"));
        using var scraper = new HttpClient { BaseAddress = app.BaseUrl };

        using var response = await scraper.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task AnOtlpEndpoint_TurnsOnTracesAndMetrics_WithoutTheScrapeEndpoint()
    {
        // Nothing listens there: the exporter's failures to send are its own and never stop the console.
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("metrics_otlp"), new Dictionary<string, string?>
        {
            [TelemetrySetup.OtlpEndpointVariable] = "http://127.0.0.1:9",
        });
        using var scraper = new HttpClient { BaseAddress = app.BaseUrl };

        using var response = await scraper.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(app.Services.GetService<MeterProvider>());
        Assert.NotNull(app.Services.GetService<TracerProvider>());
    }

    /// <summary>
    /// Rounds of eight batches sent at once, until one is refused (on a loaded machine a round may well pass one at a time).
    /// Returns how many were accepted (40 events each, all new) and how many refused.
    /// </summary>
    private static async Task<(int Accepted, int Refused)> SendUntilOneIsRefusedAsync(HttpClient sender)
    {
        var (accepted, refused) = (0, 0);
        var deadline = DateTime.UtcNow + Deadline;
        while (refused == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no batch was refused in {Deadline.TotalSeconds} s of rounds");
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(sender, CheckoutBatches.Json("metrics-test", 40))));
            foreach (var answer in answers)
            {
                if (answer.StatusCode == HttpStatusCode.Accepted)
                    accepted++;
                else if (answer.StatusCode == HttpStatusCode.TooManyRequests)
                    refused++;
                else
                    Assert.Fail($"a batch was answered {answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
                answer.Dispose();
            }
        }
        return (accepted, refused);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body) =>
        client.PostAsync(Ingest, new StringContent(body, Encoding.UTF8, "application/json"));

    private static double Moved(PrometheusScrape before, PrometheusScrape after, string name, params string[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);

    [GeneratedRegex(@"^\| `(opsconsole_[a-z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ReadmeMetric();
}
