using OpsConsole.Domain.Data;
using OpsConsole.Domain.Instances;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Two consoles on one store: the second start finds the days made, and only one instance keeps them ahead.</summary>
public sealed class DayPartitionsTwoConsolesTests(TwoConsolesFixture consoles) : IClassFixture<TwoConsolesFixture>
{
    [Fact]
    public async Task TwoConsolesOnOneStore_BothStart_AndOneOfThemKeepsTheDaysAhead()
    {
        bool[] Holders() => [consoles.A.Service<StoreLocks>().Holds(DayPartitionMaintenance.Lock), consoles.B.Service<StoreLocks>().Holds(DayPartitionMaintenance.Lock)];

        var holders = await Poll.UntilAsync(() => Task.FromResult(Holders()), h => h.Any(held => held), TimeSpan.FromSeconds(20), "one console keeps the days");

        Assert.Single(holders, held => held);
        // Made at the holder's start (or by the migration before it): nothing left to make, from either console.
        Assert.Equal(0, await consoles.A.Service<DayPartitionMaintenance>().EnsureAheadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await consoles.B.Service<DayPartitionMaintenance>().EnsureAheadAsync(TestContext.Current.CancellationToken));
        Assert.Single(Holders(), held => held);
    }
}
