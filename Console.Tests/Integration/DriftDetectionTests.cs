using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Drift detection runs every second in this fixture; "within two intervals" is the product's promise.</summary>
public sealed class DriftDetectionTests(TargetFixture fixture, ITestOutputHelper output) : IClassFixture<TargetFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task AlterSystemBehindTheConsolesBack_BecomesADetectedChange()
    {
        await WaitForBaselineAsync();
        var clock = Stopwatch.StartNew();
        await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET work_mem = '8MB'", "SELECT pg_reload_conf()");

        var detected = await Poll.UntilAsync(() => DetectedAsync("work_mem"), c => c is not null, TimeSpan.FromSeconds(30), "a Detected change");
        output.WriteLine($"drift noticed after {clock.ElapsedMilliseconds} ms (interval {Interval.TotalMilliseconds} ms)");

        Assert.Equal(("4096", "8192", "unknown", "default"), (detected!.ValueBefore, detected.ValueAfter, detected.AuthorName, detected.SourceBefore));
        Assert.Equal(fixture.TargetId, detected.TargetId);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "change.drift_detected" && e.Subject == $"change:{detected.Number}"));
    }

    [Fact]
    public async Task AChangeAppliedThroughTheConsole_IsNotReportedAsDrift()
    {
        await WaitForBaselineAsync();
        var registry = fixture.App.Service<ChangeRegistry>();
        var change = await registry.RegisterSettingAsync(fixture.Dba1, new SettingChangeRequest(fixture.TargetId, "maintenance_work_mem", "128MB",
            new ChangeDetails("Faster index builds", "Index rebuild tonight", null, ChangeRisk.Low, null), true));
        await registry.ApproveAsync(fixture.Dba2, change.Id, "");
        var appliedAt = DateTimeOffset.UtcNow;
        Assert.True((await fixture.App.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id)).Succeeded);

        // Two snapshots taken after the apply have compared the new value and found it explained.
        await Poll.UntilAsync(SnapshotTakenAtAsync, at => at > appliedAt + Interval, TimeSpan.FromSeconds(10), "two snapshots after the apply");

        Assert.Null(await DetectedAsync("maintenance_work_mem"));
    }

    [Fact]
    public async Task ATargetThatStopsAnswering_IsMarkedUnreachable_AndRecovers()
    {
        var registry = fixture.App.Service<TargetRegistry>();
        await fixture.TargetCluster.StopAsync();

        var down = await Poll.UntilAsync(async () => (await registry.ListAsync()).Single(t => t.Id == fixture.TargetId),
            t => t.Reachable == false, TimeSpan.FromSeconds(15), "the target to show as unreachable");
        Assert.False(string.IsNullOrEmpty(down.LastError));

        await fixture.TargetCluster.RestartAsync();
        await Poll.UntilAsync(async () => (await registry.ListAsync()).Single(t => t.Id == fixture.TargetId),
            t => t.Reachable == true, TimeSpan.FromSeconds(30), "the target to recover");
    }

    private async Task WaitForBaselineAsync() =>
        await Poll.UntilAsync(SnapshotTakenAtAsync, at => at > DateTimeOffset.MinValue, TimeSpan.FromSeconds(10), "the first snapshot");

    private async Task<DateTimeOffset> SnapshotTakenAtAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.SettingSnapshots.Where(s => s.TargetId == fixture.TargetId).Select(s => s.TakenAt).FirstOrDefaultAsync();
    }

    private async Task<ConfigChange?> DetectedAsync(string parameter)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Changes.FirstOrDefaultAsync(c => c.Status == ChangeStatus.Detected && c.Parameter == parameter);
    }
}
