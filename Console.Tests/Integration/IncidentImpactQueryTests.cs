using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>An incident's impact read from a real store's checkout minutes: the service's, from onset to the end given.</summary>
public sealed class IncidentImpactQueryTests(PostgresClusterFixture postgres)
{
    private static readonly DateTimeOffset Onset = new(2026, 3, 6, 14, 12, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadAsync_SumsTheServicesMinutesFromOnsetToTheEnd()
    {
        var seeds = new StoreSeeds(await postgres.CreateStoreAsync("impact"));
        await seeds.CheckoutMinuteAsync("checkout", Onset.AddMinutes(-1), successes: 100, amount: 40m);
        await seeds.CheckoutMinuteAsync("checkout", Onset, successes: 70, amount: 40m, failures: [(ErrorClasses.DbDeadlock, 30)]);
        await seeds.CheckoutMinuteAsync("checkout", Onset.AddMinutes(1), successes: 50, amount: 40m, failures: [(ErrorClasses.DbConnectionTimeout, 50)]);
        await seeds.CheckoutMinuteAsync("checkout", Onset.AddMinutes(2), successes: 100, amount: 40m);
        await seeds.CheckoutMinuteAsync("gift-cards", Onset, successes: 0, failures: [(ErrorClasses.PaymentGateway, 99)]);
        var query = new IncidentImpactQuery(new CheckoutHealth(seeds.Factory));

        var impact = await query.ReadAsync(Onset.AddSeconds(20), Onset.AddMinutes(2), "checkout");

        Assert.Equal((200L, 80L, 0.4, 0.5, Onset.AddMinutes(1)),
            (impact.Attempts, impact.FailedCheckouts, impact.FailedShare, impact.PeakFailedShare, impact.PeakMinute));
        Assert.Equal((40m, 3200m), (impact.AverageAmount, impact.EstimatedLostRevenue));
    }
}
