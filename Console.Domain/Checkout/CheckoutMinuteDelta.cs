namespace OpsConsole.Domain.Checkout;

/// <summary>
/// What one stored batch adds to one (service, minute) bucket, counting only its newly stored events. The
/// ingest transaction appends these (no row is shared between concurrent batches, so batches never wait on
/// each other); <see cref="CheckoutRollup"/> folds them into <see cref="CheckoutMinute"/> and deletes them.
/// </summary>
public sealed class CheckoutMinuteDelta
{
    public long Id { get; private set; }
    public string Service { get; private set; } = "";
    public DateTimeOffset Minute { get; private set; }
    public long Attempts { get; private set; }
    public long Successes { get; private set; }

    /// <summary>In the order of <see cref="ErrorClasses.All"/>.</summary>
    public long[] FailuresByClass { get; private set; } = [];

    public decimal Revenue { get; private set; }

    /// <summary>
    /// The latencies themselves (µs), not a histogram: building and encoding a histogram per batch cost more than
    /// the rest of the batch's work; the roll-up records them into the minute's histogram instead.
    /// </summary>
    public long[] LatenciesMicros { get; private set; } = [];

    /// <summary>When the ingest wrote it (the store's clock, by the column's default): the roll-up's lag is measured from here.</summary>
    public DateTimeOffset RecordedAt { get; private set; }
}
