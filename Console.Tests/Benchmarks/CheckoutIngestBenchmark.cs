using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Checkout ingest throughput over HTTP on loopback: concurrent senders post batches of 500 to the real console
/// (Kestrel, API key, parse, COPY, commit) for OPS_BENCH_INGEST_SECONDS (default 30), resending a batch that was
/// answered 429. Figures: events stored per second, and events acknowledged against rows in the store, which
/// must be equal. Goal: 50,000 events/s on two cores (the senders share those cores).
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class CheckoutIngestBenchmark(ConsoleAppFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleAppFixture>
{
    private const int BatchSize = 500;
    private const string Service = "bench-checkout";

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;

    [Benchmark]
    public async Task IngestOverHttp()
    {
        var seconds = Setting("OPS_BENCH_INGEST_SECONDS", 30);
        var senders = Setting("OPS_BENCH_INGEST_SENDERS", 4);
        var key = await fixture.App.Service<ApiKeyService>().CreateAsync(Actor.System, "bench-ingest", [ApiScopes.EventsWrite]);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = senders }) { BaseAddress = fixture.App.BaseUrl };
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Key);

        // Warm-up (JIT, pools, the staging tables), then measure; warm-up events go to another service.
        await RunAsync(client, "bench-warmup", senders, TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        var run = await RunAsync(client, Service, senders, TimeSpan.FromSeconds(seconds));
        var elapsed = clock.Elapsed.TotalSeconds;

        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var stored = await db.CheckoutEvents.CountAsync(e => e.Service == Service);
        run.Latencies.Sort();
        var figures = new
        {
            seconds = Math.Round(elapsed, 1),
            senders,
            batchSize = BatchSize,
            batches = run.Latencies.Count,
            eventsAcknowledged = run.Acknowledged,
            eventsStored = stored,
            eventsPerSecond = Math.Round(stored / elapsed),
            refused429 = run.Refused,
            batchP50Ms = Math.Round(BenchmarkFigures.Percentile(run.Latencies, 0.50), 1),
            batchP95Ms = Math.Round(BenchmarkFigures.Percentile(run.Latencies, 0.95), 1),
        };
        BenchmarkFigures.Report(output, "ingest.json", figures);
        Assert.Equal(run.Acknowledged, stored);
    }

    private sealed record Run(long Acknowledged, int Refused, List<double> Latencies);

    private static async Task<Run> RunAsync(HttpClient client, string service, int senders, TimeSpan duration)
    {
        var until = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            long acknowledged = 0, sequence = 0;
            var refused = 0;
            var latencies = new List<double>();
            var writer = new ArrayBufferWriter<byte>(128 * 1024);
            while (until.Elapsed < duration)
            {
                writer.ResetWrittenCount();
                WriteBatch(writer, service, $"{service}-{sender}-{Guid.NewGuid():N}", ref sequence);
                while (true)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var content = new ReadOnlyMemoryContent(writer.WrittenMemory) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
                    using var response = await client.PostAsync("/api/v1/checkout-events", content);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        refused++;
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                        continue;
                    }
                    Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    acknowledged += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetInt32();
                    break;
                }
            }
            return new Run(acknowledged, refused, latencies);
        })));
        return new Run(results.Sum(r => r.Acknowledged), results.Sum(r => r.Refused), results.SelectMany(r => r.Latencies).ToList());
    }

    /// <summary>A realistic mix: 97 % succeeded, failures spread over the classes, latencies 5-800 ms.</summary>
    private static void WriteBatch(IBufferWriter<byte> buffer, string service, string idPrefix, ref long sequence)
    {
        var now = DateTimeOffset.UtcNow;
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartArray();
        for (var i = 0; i < BatchSize; i++, sequence++)
        {
            var failed = sequence % 33 == 0;
            json.WriteStartObject();
            json.WriteString("eventId"u8, $"{idPrefix}-{i}");
            json.WriteString("occurredAt"u8, now.AddMilliseconds(-i));
            json.WriteString("outcome"u8, failed ? "failed"u8 : "succeeded"u8);
            if (failed)
                json.WriteString("errorClass"u8, OpsConsole.Domain.Checkout.ErrorClasses.All[(int)(sequence / 33 % 7)]);
            json.WriteNumber("latencyMs"u8, 5 + sequence * 7919 % 795 + 0.25);
            json.WriteNumber("amount"u8, 12.5m + sequence % 200);
            json.WriteString("currency"u8, "EUR"u8);
            json.WriteString("region"u8, "eu-west"u8);
            json.WriteString("service"u8, service);
            json.WriteString("target"u8, "shop"u8);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
