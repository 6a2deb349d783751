namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// The demo shop's checkout traffic (<c>DemoShop</c>). Admins retune it live on /admin/demo-shop; a tuning
/// lasts until the console restarts, when these settings apply again.
/// </summary>
public sealed class DemoShopOptions : IValidatedOptions
{
    public const string Section = "DemoShop";

    /// <summary>Runs from the start. Off unless configured; the embedded default turns it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The registered target the shop's tables live in.</summary>
    public string Target { get; set; } = "shop";

    /// <summary>Checkout attempts per second outside a peak (they arrive whether or not earlier ones finished).</summary>
    public double RatePerSecond { get; set; } = 6;

    /// <summary>
    /// Database connections the shop may hold: its pool size, as a real checkout service would have. Keep it small:
    /// with many connections every deadlock convoys all of them, and even PostgreSQL's defaults collapse at peak.
    /// </summary>
    public int Concurrency { get; set; } = 6;

    public int CartSizeMin { get; set; } = 1;
    public int CartSizeMax { get; set; } = 4;

    /// <summary>Products seeded in the catalog (and inventory).</summary>
    public int Products { get; set; } = 500;

    /// <summary>How many best-sellers there are; carts share them, which is where checkouts contend.</summary>
    public int HotProducts { get; set; } = 6;

    /// <summary>The probability that a cart item is a best-seller.</summary>
    public double HotShare { get; set; } = 0.6;

    /// <summary>
    /// Work the checkout service does on each line right after reserving its stock (price and promotion lookups),
    /// while the lines before it stay locked: the window in which two carts can lock best-sellers crosswise.
    /// </summary>
    public TimeSpan LineLatency { get; set; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan PaymentLatencyMin { get; set; } = TimeSpan.FromMilliseconds(10);
    public TimeSpan PaymentLatencyMax { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>The share of payments the simulated gateway declines.</summary>
    public double DeclineRate { get; set; } = 0.001;

    /// <summary>Peaks start on the clock every this long (every 10 minutes: at :00, :10, :20 …).</summary>
    public TimeSpan PeakEvery { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a peak lasts; equal to <see cref="PeakEvery"/> means always at peak.</summary>
    public TimeSpan PeakDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The rate multiplier during a peak (1 turns peaks off).</summary>
    public double PeakFactor { get; set; } = 3;

    /// <summary>
    /// The client's patience per statement and per wait for a pooled connection: a checkout stuck behind a lock
    /// fails after this long instead of hanging, as a shopper's browser would give up.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>statement_timeout for the shop's own sessions; zero leaves the target's setting in force.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Orders older than this are deleted, so that the demo can run for weeks.</summary>
    public TimeSpan OrderRetention { get; set; } = TimeSpan.FromHours(1);

    public DemoShopOptions Copy() => (DemoShopOptions)MemberwiseClone();

    /// <summary>The same ranges as live tuning on the Demo shop page.</summary>
    public string? Problem() => DemoShopRules.Problem(this);

    /// <summary>The rate in force at <paramref name="now"/>, and whether that is a peak (peaks are aligned to the clock).</summary>
    public (double Rate, bool InPeak) RateAt(DateTimeOffset now)
    {
        var inPeak = PeakFactor > 1 && (PeakDuration >= PeakEvery || now.UtcTicks % PeakEvery.Ticks < PeakDuration.Ticks);
        return (inPeak ? RatePerSecond * PeakFactor : RatePerSecond, inPeak);
    }
}
