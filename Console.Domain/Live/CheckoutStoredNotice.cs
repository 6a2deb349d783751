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
        // Counted by hand, not with a CheckoutTally: a tally carries a full latency histogram (~150 KB on the large object heap),
        // and the notice needs only the counts and the raw latencies; the receiver builds its histogram from those.
        foreach (var chunk in stored.Chunk(EventsPerPart))
        {
            long successes = 0;
            decimal revenue = 0;
            var failures = new long[ErrorClasses.All.Count];
            var latencies = new long[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                var e = chunk[i];
                latencies[i] = LatencyHistograms.Micros(e.LatencyMs);
                if (e.Outcome == CheckoutOutcome.Succeeded)
                    (successes, revenue) = (successes + 1, revenue + (e.Amount ?? 0));
                else
                    failures[CheckoutTally.ClassIndex(e.ErrorClass)]++;
            }
            yield return new CheckoutStoredNotice(part++, stored.Count, latest, successes, failures, revenue, latencies);
        }
    }

    public CheckoutTally ToTally() => CheckoutTally.FromDelta(LatenciesMicros.Length, Successes, FailuresByClass, Revenue, LatenciesMicros);
}
