using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// A target restarted behind the console's back: the pooled sessions the console held are dead, and the next write
/// must not be the one that finds out (a rehearsal on staging failed "57P01: terminating connection due to
/// administrator command" this way, right after another test restarted the cluster).
/// </summary>
[Collection(StagingCollection.Name)]
public sealed class TargetRestartTests(StagingFixture fixture)
{
    [Fact]
    public async Task AfterTheTargetRestarts_TheNextSettingWrite_RunsOnAFreshSession()
    {
        var staging = await fixture.App.Service<TargetRegistry>().GetAsync(fixture.TargetId);
        var writer = fixture.App.Service<SettingWriter>();
        var connections = fixture.App.Service<TargetConnections>();
        // Several sessions idle in the pool, as a page's reads leave them.
        var held = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => connections.OpenAsync(staging, TestContext.Current.CancellationToken)));
        var pidsBefore = new HashSet<int>(held.Select(c => c.ProcessID));
        foreach (var connection in held)
            await connection.DisposeAsync();
        var startedBefore = await fixture.ScalarOnTargetAsync("SELECT pg_postmaster_start_time()");

        await fixture.TargetCluster.RestartAsync();
        Assert.NotEqual(startedBefore, await fixture.ScalarOnTargetAsync("SELECT pg_postmaster_start_time()"));
        try
        {
            await writer.SetAsync(staging, "work_mem", "9MB", TestContext.Current.CancellationToken);
            Assert.False(await writer.WaitForAsync(staging, "work_mem", "9216", TestContext.Current.CancellationToken));
            Assert.Equal("9MB", await fixture.ShowAsync("work_mem"));
            await using var fresh = await connections.OpenAsync(staging, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(fresh.ProcessID, pidsBefore);
        }
        finally
        {
            await fixture.AlterSystemAsync("ALTER SYSTEM RESET work_mem");
        }
    }
}
