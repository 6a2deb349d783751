using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Live;

/// <summary>
/// What other console instances need of a stored checkout batch: the batch's count and latest time (for their
/// <see cref="CheckoutEventsStored"/>) and the figures of its events (for their live second), never the events.
/// A batch is told in parts of at most <see cref="EventsPerPart"/> events, so that every part fits in one NOTIFY
/// whatever the batch size: 500 latencies of at most 10 digits each stay under 6 KB.
/// </summary>
public sealed record CheckoutStoredNotice(int Part, int BatchCount, DateTimeOffset Latest, long Successes, long[] FailuresByClass,
    decimal Revenue, long[] LatenciesMicros)
{
    public const int EventsPerPart = 500;

    /// <summary>
    /// The parts of a batch. Each carries its part number, which also keeps two parts with the same figures apart:
    /// PostgreSQL delivers identical payloads of one transaction only once.
    /// </summary>
    public static IEnumerable<CheckoutStoredNotice> Of(IReadOnlyList<CheckoutEvent> stored)
    {
        var latest = stored.Max(e => e.OccurredAt);
        var part = 0;
        foreach (var chunk in stored.Chunk(EventsPerPart))
        {
            var tally = new CheckoutTally();
            foreach (var e in chunk)
                tally.Add(e);
            yield return new CheckoutStoredNotice(part++, stored.Count, latest, tally.Successes, tally.FailuresByClass, tally.Revenue,
                [.. chunk.Select(e => LatencyHistograms.Micros(e.LatencyMs))]);
        }
    }

    public CheckoutTally ToTally() => CheckoutTally.FromDelta(LatenciesMicros.Length, Successes, FailuresByClass, Revenue, LatenciesMicros);
}
