namespace OpsConsole.Domain.Rehearsals;

/// <summary>The profile every console starts with, seeded once by the <c>RehearsalProfiles</c> migration; from then on it is the store's to edit or delete.</summary>
public static class RehearsalProfileDefaults
{
    public static readonly Guid PeakId = new("6f1c2a4e-13a0-4c1e-9a57-0b1ac4f0e013");

    /// <summary>
    /// The outage's peak (the demo shop at 6/s × 3 on a pool of 6, carts of 1–4, 6 best-sellers taking 60 % of the items),
    /// for two minutes, three rounds, with the thresholds. Keep it equal to what the migration seeds (a test checks).
    /// </summary>
    public static readonly RehearsalProfileSettings Peak = new("Black Friday peak", RatePerSecond: 6, PeakMultiplier: 3, ConcurrentShoppers: 6,
        Duration: TimeSpan.FromMinutes(2), CartSizeMin: 1, CartSizeMax: 4, HotProducts: 6, HotShare: 0.6, Rounds: 3, RehearsalThresholds.Default);
}
