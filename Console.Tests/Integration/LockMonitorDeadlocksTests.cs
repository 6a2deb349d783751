using OpsConsole.Domain.Locks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>"Deadlocks since T" per target, as the Health and Locks pages read it: live ticks and stored ones, each once.</summary>
public sealed class LockMonitorDeadlocksTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private LockMonitor Monitor => fixture.App.Service<LockMonitor>();
    private LockHistory History => fixture.App.Service<LockHistory>();

    private LockSample Tick(DateTimeOffset at, long deadlocks) =>
        new(fixture.TargetId, at, 0, TimeSpan.Zero, WaitForGraph.Build([], []), deadlocks, 0, TimeSpan.Zero);

    [Fact]
    public async Task StoredTicksOfTheLastHour_AddToTheLiveOnes_AndATickSeenBothWaysCountsOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        // The fixture's target never deadlocks by itself: whatever is counted here was put here.
        Assert.Equal(0, Monitor.DeadlocksSince(fixture.TargetId, now.AddHours(-1)));
        await History.RecordAsync(Tick(now.AddHours(-2), 50), ct);
        await History.RecordAsync(Tick(now.AddMinutes(-10), 2), ct);
        var live = Tick(now.AddSeconds(-30), 3);
        await History.RecordAsync(live, ct);
        Monitor.Record(live);
        Assert.Equal(3, Monitor.DeadlocksSince(fixture.TargetId, now.AddHours(-1)));

        await Monitor.LoadDeadlocksAsync(fixture.TargetId, ct);
        await Monitor.LoadDeadlocksAsync(fixture.TargetId, ct);

        Assert.Equal(5, Monitor.DeadlocksSince(fixture.TargetId, now.AddHours(-1)));
        Assert.Equal(3, Monitor.DeadlocksSince(fixture.TargetId, now.AddMinutes(-1)));
        Assert.Equal(0, Monitor.DeadlocksSince(Guid.NewGuid(), now.AddHours(-1)));
    }
}
