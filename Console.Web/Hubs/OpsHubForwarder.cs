using Microsoft.AspNetCore.SignalR;
using OpsConsole.Domain.Live;

namespace OpsConsole.Web.Hubs;

/// <summary>
/// Sends the live bus to the hub's clients: one subscription for all of them, rather than one per connection.
/// Remote events (from other console instances) are sent like local ones: a client sees everything whichever
/// instance it is connected to. Payloads are the events' own records, in SignalR's camelCase JSON.
/// </summary>
public sealed class OpsHubForwarder(LiveEvents live, IHubContext<OpsHub> hub) : IHostedService
{
    public const string HealthTick = "healthTick";
    public const string CheckoutEventsStored = "checkoutEventsStored";
    public const string ChangeUpdated = "changeUpdated";
    public const string TargetUpdated = "targetUpdated";
    public const string LocksSampled = "locksSampled";
    public const string IncidentUpdated = "incidentUpdated";

    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = live.Subscribe(Forward);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    private Task Forward(OpsEvent e) => e switch
    {
        CheckoutHealthTick tick => Send(OpsHubTopics.Health, HealthTick, tick.Second),
        Domain.Live.CheckoutEventsStored stored => Send(OpsHubTopics.Health, CheckoutEventsStored, stored),
        Domain.Live.ChangeUpdated change => Send(OpsHubTopics.Changes, ChangeUpdated, change),
        Domain.Live.TargetUpdated target => Send(OpsHubTopics.Changes, TargetUpdated, target),
        Domain.Live.LocksSampled locks => Send(OpsHubTopics.Locks, LocksSampled, locks),
        Domain.Live.IncidentUpdated incident => Send(OpsHubTopics.Incidents, IncidentUpdated, incident),
        _ => Task.CompletedTask,
    };

    private Task Send(string topic, string message, object payload) => hub.Clients.Group(topic).SendAsync(message, payload);
}
