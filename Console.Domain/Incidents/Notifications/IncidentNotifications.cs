using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>
/// Where incident notices wait for the webhook. <see cref="Enqueue"/> never waits: an incident's transaction must not hang on
/// a slow or dead receiver, so a notice that finds the queue full is dropped (and logged) instead.
/// </summary>
public sealed class IncidentNotifications(IOptions<IncidentWebhookOptions> options, ILogger<IncidentNotifications> logger)
{
    /// <summary>Notices that may wait; at a few per incident, only a long-dead receiver fills it.</summary>
    public const int Capacity = 1000;

    private readonly Channel<IncidentNotice> queue = Channel.CreateBounded<IncidentNotice>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues a notice for the webhook, after the incident's change has committed. False when there is no webhook or the queue is full.</summary>
    public bool Enqueue(IncidentNotice notice)
    {
        if (!options.Value.Enabled)
            return false;
        if (queue.Writer.TryWrite(notice))
            return true;
        logger.LogWarning("The incident webhook's queue is full ({Capacity} notices): dropped the {What} notice of incident {IncidentNumber}",
            Capacity, notice.What, notice.Number);
        return false;
    }

    internal ChannelReader<IncidentNotice> Reader => queue.Reader;
}
