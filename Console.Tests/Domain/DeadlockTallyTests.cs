using OpsConsole.Domain.Locks;

namespace OpsConsole.Tests.Domain;

public sealed class DeadlockTallyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 14, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Since_CountsTheTicksFromItsStart_InclusiveOfATickExactlyThere()
    {
        var tally = new DeadlockTally();
        tally.Add(Now.AddSeconds(-90), 4);
        tally.Add(Now.AddSeconds(-60), 2);
        tally.Add(Now.AddSeconds(-1), 1);

        Assert.Equal(3, tally.Since(Now.AddMinutes(-1)));
        Assert.Equal(7, tally.Since(Now.AddHours(-1)));
        Assert.Equal(0, tally.Since(Now));
    }

    [Fact]
    public void ATickSeenLiveAndFromTheStore_CountsOnce()
    {
        var tally = new DeadlockTally();
        // The live tick carries .NET ticks (100 ns); the store gives the same moment back to the microsecond.
        var live = Now.AddTicks(-12_345_678);
        var stored = new DateTimeOffset(live.UtcTicks - live.UtcTicks % 10, TimeSpan.Zero);

        tally.Add(live, 3);
        tally.Add(stored, 3);

        Assert.Equal(3, tally.Since(Now.AddMinutes(-1)));
    }

    [Fact]
    public void TwoTicksAMillisecondApart_CountSeparately()
    {
        var tally = new DeadlockTally();
        tally.Add(Now.AddMilliseconds(-101), 1);
        tally.Add(Now.AddMilliseconds(-100), 1);

        Assert.Equal(2, tally.Since(Now.AddSeconds(-1)));
    }

    [Fact]
    public void TicksWithoutDeadlocks_AreNotKept()
    {
        var tally = new DeadlockTally();
        tally.Add(Now.AddSeconds(-2), 2);
        tally.Add(Now.AddSeconds(-1), 0);
        // Nor does a tick without deadlocks wipe out one that counted some.
        tally.Add(Now.AddSeconds(-2), 0);

        Assert.Equal(2, tally.Since(Now.AddMinutes(-1)));
    }

    [Fact]
    public void TicksOlderThanAnHourBeforeTheNewest_AreDropped_ButTheLastHourStaysWhole()
    {
        var tally = new DeadlockTally();
        var old = Now - DeadlockTally.Kept - TimeSpan.FromMinutes(5);
        tally.Add(old, 100);
        tally.Add(Now - DeadlockTally.Kept + TimeSpan.FromSeconds(1), 1);
        Assert.Equal(101, tally.Since(old));

        tally.Add(Now, 1);

        Assert.Equal(2, tally.Since(old));
        Assert.Equal(2, tally.Since(Now - DeadlockTally.Kept));
    }
}
