using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hubs;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// The live hub under many subscribers: 100 and 200 SignalR clients (WebSockets) on one console, 20 checkout batches
/// posted one after another; push latency is from sending the POST to each client receiving that batch's
/// checkoutEventsStored. Memory per connection is measured in this process, which holds the console and the clients
/// alike: the managed heap after a full collection and the working set, before and after connecting, divided by the
/// count. So it is an upper bound on the server's share (a .NET client connection costs the same order).
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class OpsHubBenchmark(ConsoleAppFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleAppFixture>
{
    private const int Events = 20;

    [Benchmark]
    public async Task PushLatencyAndMemoryPerSubscriber()
    {
        var keys = fixture.App.Service<ApiKeyService>();
        var readKey = (await keys.CreateAsync(Actor.System, "bench-hub-read", [ApiScopes.Read])).Key;
        using var http = fixture.App.ApiClient((await keys.CreateAsync(Actor.System, "bench-hub-events", [ApiScopes.EventsWrite])).Key);

        // Warm-up: JIT of the hub, the forwarder and the ingest path.
        await using (var warm = await HubClient.ConnectAsync(fixture.App.BaseUrl, readKey))
            await RunAsync(http, [warm], 3);

        var figures = new Dictionary<string, object>();
        foreach (var subscribers in new[] { 100, 200 })
        {
            var (heapBefore, workingSetBefore) = Memory();
            var clients = new List<HubClient>();
            for (var i = 0; i < subscribers; i++)
                clients.Add(await HubClient.ConnectAsync(fixture.App.BaseUrl, readKey));
            var (heapAfter, workingSetAfter) = Memory();

            var latencies = await RunAsync(http, clients, Events);
            latencies.Sort();
            figures[subscribers.ToString()] = new
            {
                subscribers,
                events = Events,
                deliveries = latencies.Count,
                p50Ms = Math.Round(BenchmarkFigures.Percentile(latencies, 0.50), 1),
                p95Ms = Math.Round(BenchmarkFigures.Percentile(latencies, 0.95), 1),
                maxMs = Math.Round(latencies[^1], 1),
                heapKbPerConnection = Math.Round((heapAfter - heapBefore) / 1024.0 / subscribers, 1),
                workingSetKbPerConnection = Math.Round((workingSetAfter - workingSetBefore) / 1024.0 / subscribers, 1),
            };
            foreach (var client in clients)
                await client.DisposeAsync();
        }

        BenchmarkFigures.Report(output, "hub.json", figures);
    }

    /// <summary>Posts <paramref name="events"/> batches one at a time; each batch's marker is its latest occurredAt.</summary>
    private static async Task<List<double>> RunAsync(HttpClient http, IReadOnlyList<HubClient> clients, int events)
    {
        var arrivals = new ConcurrentDictionary<(int Client, DateTimeOffset Latest), long>();
        for (var c = 0; c < clients.Count; c++)
        {
            var client = c;
            clients[c].OnMessage = (message, payload) =>
            {
                if (message == OpsHubForwarder.CheckoutEventsStored)
                    arrivals.TryAdd((client, payload.GetProperty("latest").GetDateTimeOffset()), Stopwatch.GetTimestamp());
            };
        }

        var latencies = new List<double>();
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());
        for (var i = 0; i < events; i++)
        {
            var latest = start.AddMilliseconds(i);
            var body = CheckoutBatches.Json([CheckoutBatches.Event("bench-hub", occurredAt: latest)]);
            var sent = Stopwatch.GetTimestamp();
            using (var response = await http.PostAsync("/api/v1/checkout-events", new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"))))
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await Poll.UntilAsync(() => Task.FromResult(Enumerable.Range(0, clients.Count).Count(c => arrivals.ContainsKey((c, latest)))),
                received => received == clients.Count, TimeSpan.FromSeconds(30), $"batch {i} on every client");
            latencies.AddRange(Enumerable.Range(0, clients.Count).Select(c => Stopwatch.GetElapsedTime(sent, arrivals[(c, latest)]).TotalMilliseconds));
        }
        foreach (var client in clients)
            client.OnMessage = null;
        return latencies;
    }

    private static (long Heap, long WorkingSet) Memory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (heap, process.WorkingSet64);
    }
}
