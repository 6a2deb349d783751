using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Domain.Checkout;

/// <summary>How long checkout data is kept and how often the minute buckets are brought up to date.</summary>
public sealed class CheckoutOptions : IValidatedOptions
{
    public const string Section = "Checkout";

    /// <summary>
    /// Raw checkout events (and so duplicate detection by event id) are kept at least this long: they go a whole UTC day at
    /// a time, when all of the day is past it (decisions/0035).
    /// </summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Per-minute buckets are kept this long.</summary>
    public TimeSpan AggregateRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often stored batches are folded into the per-minute buckets.</summary>
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often days of events and buckets past their retention are dropped and deleted.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    public string? Problem() => First(
        AtLeast("Checkout:RollupInterval", RollupInterval, TimeSpan.FromMilliseconds(100)),
        AtLeast("Checkout:PruneInterval", PruneInterval, TimeSpan.FromSeconds(1)),
        AtLeast("Checkout:EventRetention", EventRetention, TimeSpan.FromMinutes(1)),
        AggregateRetention >= EventRetention ? null : "Checkout:AggregateRetention must be at least Checkout:EventRetention.");
}
