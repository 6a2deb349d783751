using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents.Suspects;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// <see cref="SuspectFinder.FindAsync"/> over a real store: which changes it reads (the target's, in effect within the
/// look-back window) and which failures (the service's, since onset), ranked as the ranker's unit tests say.
/// </summary>
public sealed class SuspectFinderTests(PostgresClusterFixture postgres)
{
    private static readonly DateTimeOffset Onset = new(2026, 3, 6, 14, 12, 0, TimeSpan.Zero);

    [Fact]
    public async Task FindAsync_RanksTheLockChangeFirst_FromTheTargetsChangesInTheWindow_AndTheServicesFailures()
    {
        var seeds = new StoreSeeds(await postgres.CreateStoreAsync("suspects"));
        var shop = await seeds.TargetAsync("shop", Onset.AddDays(-10));
        var other = await seeds.TargetAsync("billing", Onset.AddDays(-10));
        var culprit = await seeds.AppliedSettingAsync(shop, "deadlock_timeout", Onset.AddHours(-3).AddMinutes(-10));
        var unrelated = await seeds.AppliedSettingAsync(shop, "log_min_duration_statement", Onset.AddMinutes(-10));
        await seeds.AppliedSettingAsync(other, "deadlock_timeout", Onset.AddMinutes(-5));
        await seeds.AppliedSettingAsync(shop, "lock_timeout", Onset.AddHours(-30));
        await seeds.DraftAsync(shop, "lock_timeout", Onset.AddHours(-1));
        for (var minute = 0; minute < 5; minute++)
        {
            await seeds.CheckoutMinuteAsync("checkout", Onset.AddMinutes(minute), successes: 40,
                failures: [(ErrorClasses.DbDeadlock, 10), (ErrorClasses.DbLockTimeout, 8), (ErrorClasses.PaymentGateway, 7)]);
            await seeds.CheckoutMinuteAsync("gift-cards", Onset.AddMinutes(minute), successes: 40, failures: [(ErrorClasses.PaymentGateway, 30)]);
        }
        // Before onset: not the incident's failures.
        await seeds.CheckoutMinuteAsync("checkout", Onset.AddMinutes(-2), successes: 10, failures: [(ErrorClasses.Validation, 500)]);
        var finder = new SuspectFinder(seeds.Factory, new CheckoutHealth(seeds.Factory));

        var findings = await finder.FindAsync(shop, "checkout", Onset, Onset.AddMinutes(5));

        Assert.Equal([culprit.Number, unrelated.Number], findings.Suspects.Select(s => s.ChangeNumber));
        var top = findings.Suspects[0];
        Assert.Equal((SuspectStrength.Strong, "deadlock_timeout"), (top.Strength, top.Parameter));
        Assert.Equal([
            "applied 3 h 10 min before onset",
            "72 % of failures are db_deadlock or db_lock_timeout",
            "deadlock_timeout governs how long lock waits last before deadlock detection",
            "approved by bob before it took effect",
        ], top.Evidence);
        Assert.True(findings.DatabaseClassFailures);
        Assert.StartsWith("72 % of failures are db_deadlock or db_lock_timeout (125 failed checkouts", findings.FailureSummary);
    }

    [Fact]
    public async Task FindAsync_ForAServiceFailingAtItsGateway_OffersNoStrongSuspect_AndSaysWhereTheFailuresAre()
    {
        var seeds = new StoreSeeds(await postgres.CreateStoreAsync("suspectsgw"));
        var shop = await seeds.TargetAsync("shop", Onset.AddDays(-10));
        await seeds.AppliedSettingAsync(shop, "deadlock_timeout", Onset.AddMinutes(-40));
        await seeds.CheckoutMinuteAsync("gift-cards", Onset, successes: 40, failures: [(ErrorClasses.PaymentGateway, 30)]);
        var finder = new SuspectFinder(seeds.Factory, new CheckoutHealth(seeds.Factory));

        var findings = await finder.FindAsync(shop, "gift-cards", Onset, Onset.AddMinutes(2));

        Assert.Equal(SuspectStrength.Weak, Assert.Single(findings.Suspects).Strength);
        Assert.False(findings.DatabaseClassFailures);
        Assert.Contains("Look at the payment gateway", findings.FailureSummary);
    }
}
