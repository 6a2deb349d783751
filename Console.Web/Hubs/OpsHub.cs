using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace OpsConsole.Web.Hubs;

/// <summary>
/// The live feed for clients outside the console (wall displays, chat bots): health ticks and change events as they
/// happen on any console instance. Read-only: clients only choose topics; <see cref="OpsHubForwarder"/> does the sending.
/// </summary>
[Authorize(Policy = OpsHubAuth.Policy)]
public sealed class OpsHub : Hub
{
    public const string Path = "/hubs/ops";

    /// <summary>Every connection starts on these; <see cref="OpsHubTopics.Locks"/> (one message a second per target) is asked for.</summary>
    private static readonly string[] DefaultTopics = [OpsHubTopics.Health, OpsHubTopics.Changes, OpsHubTopics.Incidents];

    public override async Task OnConnectedAsync()
    {
        foreach (var topic in DefaultTopics)
            await Groups.AddToGroupAsync(Context.ConnectionId, topic);
    }

    public Task Subscribe(string topic) => Groups.AddToGroupAsync(Context.ConnectionId, Known(topic));

    public Task Unsubscribe(string topic) => Groups.RemoveFromGroupAsync(Context.ConnectionId, Known(topic));

    private static string Known(string topic) => OpsHubTopics.All.Contains(topic)
        ? topic
        : throw new HubException($"Unknown topic '{topic}'. Topics: {string.Join(", ", OpsHubTopics.All)}.");
}

/// <summary>The hub's topics (SignalR groups) and the messages each carries.</summary>
public static class OpsHubTopics
{
    /// <summary><c>healthTick</c> every second, <c>checkoutEventsStored</c> after each stored batch.</summary>
    public const string Health = "health";

    /// <summary><c>changeUpdated</c>, <c>targetUpdated</c>.</summary>
    public const string Changes = "changes";

    /// <summary><c>locksSampled</c>: every lock sampler tick of every target.</summary>
    public const string Locks = "locks";

    /// <summary><c>incidentUpdated</c>: an incident was opened or changed (status, severity, commander, timeline, suspects).</summary>
    public const string Incidents = "incidents";

    public static readonly IReadOnlyList<string> All = [Health, Changes, Locks, Incidents];
}
