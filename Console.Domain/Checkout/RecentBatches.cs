namespace OpsConsole.Domain.Checkout;

/// <summary>
/// The first events of the batches this instance stored lately, as a hint that a batch starting with one of them is a
/// resend (a sender that lost the answer sends the batch again, whole). Only a hint: a batch it misses still meets the
/// unique key, and one it names wrongly still goes through ON CONFLICT, so it never decides what is stored. Bounded:
/// the oldest are forgotten first.
/// </summary>
internal sealed class RecentBatches(int capacity = 4096)
{
    private readonly Lock gate = new();
    private readonly HashSet<(string EventId, DateTimeOffset OccurredAt)> known = [];
    private readonly Queue<(string EventId, DateTimeOffset OccurredAt)> order = new();

    public bool Contains(CheckoutEvent first)
    {
        lock (gate)
            return known.Contains(Key(first));
    }

    public void Add(CheckoutEvent first)
    {
        var key = Key(first);
        lock (gate)
        {
            if (!known.Add(key))
                return;
            order.Enqueue(key);
            if (order.Count > capacity)
                known.Remove(order.Dequeue());
        }
    }

    // The stored key is (event id, occurredAt) to the microsecond: the same instant with another offset is the same event.
    private static (string, DateTimeOffset) Key(CheckoutEvent e) => (e.EventId, e.OccurredAt.ToUniversalTime());
}
