using OpsConsole.Domain.Rehearsals.Workloads;

namespace OpsConsole.Domain.Rehearsals;

/// <summary>A saved load profile (<see cref="RehearsalProfileSettings"/>), its name unique; every save passes <see cref="RehearsalProfileSettings.Check"/>.</summary>
public sealed class RehearsalProfile
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    public double RatePerSecond { get; private set; }
    public double PeakMultiplier { get; private set; }
    public int ConcurrentShoppers { get; private set; }
    public TimeSpan Duration { get; private set; }
    public int CartSizeMin { get; private set; }
    public int CartSizeMax { get; private set; }
    public int HotProducts { get; private set; }
    public double HotShare { get; private set; }
    public int Rounds { get; private set; }
    public double FailureRatePoints { get; private set; }
    public double DeadlockFactor { get; private set; }
    public double DeadlockAllowance { get; private set; }
    public double P95Factor { get; private set; }
    /// <summary>The workload's SQL scripts (jsonb); none: the demo shop's checkout.</summary>
    public SqlScripts Scripts { get; private set; } = SqlScripts.None;
    public int MaxTries { get; private set; } = RehearsalProfileSettings.DefaultMaxTries;
    public DateTimeOffset UpdatedAt { get; private set; }
    public string UpdatedBy { get; private set; } = "";

    private RehearsalProfile() { }

    public RehearsalProfile(RehearsalProfileSettings settings, string by, DateTimeOffset now) => Apply(settings, by, now);

    public RehearsalProfileSettings Settings => new(Name, RatePerSecond, PeakMultiplier, ConcurrentShoppers, Duration, CartSizeMin, CartSizeMax,
        HotProducts, HotShare, Rounds, Thresholds) { Scripts = Scripts, MaxTries = MaxTries };

    public RehearsalThresholds Thresholds => new(FailureRatePoints, DeadlockFactor, DeadlockAllowance, P95Factor);

    /// <summary>Replaces the settings once they pass the rules; returns the names of the fields that changed.</summary>
    public IReadOnlyList<string> Edit(RehearsalProfileSettings settings, string by, DateTimeOffset now)
    {
        var before = Settings;
        Apply(settings, by, now);
        return Changed(before, Settings);
    }

    private void Apply(RehearsalProfileSettings settings, string by, DateTimeOffset now)
    {
        settings = settings.Normalized();
        settings.Check();
        (Name, RatePerSecond, PeakMultiplier, ConcurrentShoppers, Duration) =
            (settings.Name, settings.RatePerSecond, settings.PeakMultiplier, settings.ConcurrentShoppers, settings.Duration);
        (CartSizeMin, CartSizeMax, HotProducts, HotShare, Rounds) =
            (settings.CartSizeMin, settings.CartSizeMax, settings.HotProducts, settings.HotShare, settings.Rounds);
        (FailureRatePoints, DeadlockFactor, DeadlockAllowance, P95Factor) =
            (settings.Thresholds.FailureRatePoints, settings.Thresholds.DeadlockFactor, settings.Thresholds.DeadlockAllowance, settings.Thresholds.P95Factor);
        (Scripts, MaxTries) = (new SqlScripts(settings.Scripts), settings.MaxTries);
        (UpdatedAt, UpdatedBy) = (now, by);
    }

    private static List<string> Changed(RehearsalProfileSettings before, RehearsalProfileSettings after)
    {
        var changed = typeof(RehearsalProfileSettings).GetProperties()
            .Where(p => p.Name is not (nameof(RehearsalProfileSettings.Thresholds) or nameof(RehearsalProfileSettings.PacePerSecond)))
            .Where(p => !Equals(p.GetValue(before), p.GetValue(after))).Select(p => p.Name).ToList();
        changed.AddRange(typeof(RehearsalThresholds).GetProperties()
            .Where(p => !Equals(p.GetValue(before.Thresholds), p.GetValue(after.Thresholds))).Select(p => p.Name));
        return changed;
    }
}
