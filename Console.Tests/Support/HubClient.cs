using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OpsConsole.Web.Hubs;

namespace OpsConsole.Tests.Support;

/// <summary>A SignalR client of /hubs/ops, as a wall display would connect, keeping every message it receives.</summary>
public sealed class HubClient : IAsyncDisposable
{
    private static readonly string[] Messages =
    [
        OpsHubForwarder.HealthTick, OpsHubForwarder.CheckoutEventsStored, OpsHubForwarder.ChangeUpdated,
        OpsHubForwarder.TargetUpdated, OpsHubForwarder.LocksSampled, OpsHubForwarder.IncidentUpdated,
    ];

    private HubClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    /// <summary>(message name, payload) in arrival order.</summary>
    public ConcurrentQueue<(string Message, JsonElement Payload)> Received { get; } = new();

    /// <summary>Called on each message, on the connection's own dispatch (the benchmark stamps arrival times here).</summary>
    public Action<string, JsonElement>? OnMessage { get; set; }

    public static HubConnection Build(Uri baseUrl, string? apiKey) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, OpsHub.Path), HttpTransportType.WebSockets, options =>
            {
                if (apiKey is not null)
                    options.Headers["X-Api-Key"] = apiKey;
            })
            .Build();

    public static async Task<HubClient> ConnectAsync(Uri baseUrl, string apiKey)
    {
        var client = new HubClient(Build(baseUrl, apiKey));
        foreach (var message in Messages)
            client.Connection.On<JsonElement>(message, payload =>
            {
                client.Received.Enqueue((message, payload));
                client.OnMessage?.Invoke(message, payload);
            });
        await client.Connection.StartAsync();
        return client;
    }

    public IEnumerable<JsonElement> Payloads(string message) => Received.Where(r => r.Message == message).Select(r => r.Payload);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
