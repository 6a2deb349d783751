using OpsConsole.Domain.DemoShop;
using OpsConsole.Domain.Rehearsals.Workloads;

namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// A named load to rehearse with: the demo shop's checkout at <see cref="RatePerSecond"/> × <see cref="PeakMultiplier"/>
/// per second, on <see cref="ConcurrentShoppers"/> database connections, for <see cref="Duration"/> per run, with carts of
/// <see cref="CartSizeMin"/> to <see cref="CartSizeMax"/> items of which each is one of the <see cref="HotProducts"/>
/// best-sellers with probability <see cref="HotShare"/> (the skew that makes checkouts contend); <see cref="Rounds"/> pairs
/// of runs (baseline, change) per rehearsal; and the thresholds its verdict applies. With <see cref="Scripts"/>, the load is
/// the team's own transactions instead of the demo shop's checkout, run by pgbench at the same pace on as many connections,
/// each retried up to <see cref="MaxTries"/> times after a deadlock or serialization failure (the cart and skew fields are
/// then unused).
/// </summary>
public sealed record RehearsalProfileSettings(
    string Name,
    double RatePerSecond,
    double PeakMultiplier,
    int ConcurrentShoppers,
    TimeSpan Duration,
    int CartSizeMin,
    int CartSizeMax,
    int HotProducts,
    double HotShare,
    int Rounds,
    RehearsalThresholds Thresholds)
{
    public const int MaxNameLength = 80;
    public const int DefaultMaxTries = 3;

    private readonly SqlScripts scripts = SqlScripts.None;

    /// <summary>The workload as weighted SQL scripts (<see cref="PgbenchLoad"/>); none: the demo shop's checkout.</summary>
    public IReadOnlyList<SqlScript> Scripts { get => scripts; init => scripts = value as SqlScripts ?? new SqlScripts(value); }

    /// <summary>pgbench's <c>--max-tries</c> for a scripted workload: tries per transaction after deadlocks and serialization failures.</summary>
    public int MaxTries { get; init; } = DefaultMaxTries;

    /// <summary>Checkouts per second during a run.</summary>
    public double PacePerSecond => RatePerSecond * PeakMultiplier;

    public RehearsalProfileSettings Normalized() => this with { Name = (Name ?? "").Trim(), Scripts = SqlScriptRules.Normalized(Scripts) };

    /// <summary>
    /// The demo shop's settings for this load, always at peak. The shop's own pacing between statements (10 ms per line,
    /// 10–30 ms at the gateway) stays as the demo shop has it; the gateway never declines, so that every failure a
    /// rehearsal counts is the database's.
    /// </summary>
    public DemoShopOptions ToShopOptions() => new()
    {
        RatePerSecond = RatePerSecond,
        PeakFactor = PeakMultiplier,
        PeakEvery = TimeSpan.FromMinutes(1),
        PeakDuration = TimeSpan.FromMinutes(1),
        Concurrency = ConcurrentShoppers,
        CartSizeMin = CartSizeMin,
        CartSizeMax = CartSizeMax,
        HotProducts = HotProducts,
        HotShare = HotShare,
        DeclineRate = 0,
    };

    /// <summary>Throws <see cref="DomainRuleException"/> naming the first field out of range; nothing is saved then.</summary>
    public void Check()
    {
        if (string.IsNullOrWhiteSpace(Name))
            DemoShopRules.Fail(nameof(Name), "Give the profile a name.");
        if (Name.Trim().Length > MaxNameLength)
            DemoShopRules.Fail(nameof(Name), $"The name is at most {MaxNameLength} characters.");
        TextRules.Require(Name, nameof(Name), multiLine: false);
        DemoShopRules.Range(nameof(RatePerSecond), RatePerSecond, 0.1, 1000, "checkouts per second");
        DemoShopRules.Range(nameof(PeakMultiplier), PeakMultiplier, 1, 50, "times the rate");
        DemoShopRules.Range(nameof(PeakMultiplier), PacePerSecond, 0.1, 1000, "checkouts per second (rate × multiplier)");
        DemoShopRules.Range(nameof(ConcurrentShoppers), ConcurrentShoppers, 1, 200, "connections");
        DemoShopRules.Range(nameof(Duration), Duration.TotalSeconds, 10, 3600, "seconds");
        DemoShopRules.Range(nameof(CartSizeMin), CartSizeMin, 1, 20, "items");
        DemoShopRules.Range(nameof(CartSizeMax), CartSizeMax, CartSizeMin, 20, "items (and at least the minimum)");
        DemoShopRules.Range(nameof(HotProducts), HotProducts, 1, 250, "products (at most half the catalog of 500)");
        DemoShopRules.Range(nameof(HotShare), HotShare, 0, 1, "(a probability)");
        DemoShopRules.Range(nameof(Rounds), Rounds, 1, 9, "rounds");
        if (Thresholds is null)
            DemoShopRules.Fail(nameof(Thresholds), "Give the thresholds the verdict applies.");
        DemoShopRules.Range(nameof(Thresholds.FailureRatePoints), Thresholds!.FailureRatePoints, 0, 100, "percentage points");
        DemoShopRules.Range(nameof(Thresholds.DeadlockFactor), Thresholds.DeadlockFactor, 0, 100, "times the baseline");
        DemoShopRules.Range(nameof(Thresholds.DeadlockAllowance), Thresholds.DeadlockAllowance, 0, 100_000, "deadlocks");
        DemoShopRules.Range(nameof(Thresholds.P95Factor), Thresholds.P95Factor, 1, 100, "times the baseline");
        SqlScriptRules.Check(Scripts, MaxTries);
    }
}
