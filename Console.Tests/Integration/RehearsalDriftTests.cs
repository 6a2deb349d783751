using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>A rehearsal's own ALTER SYSTEM on a registered, monitored staging target is not drift; what outlives its revert is.</summary>
[Collection(StagingCollection.Name)]
public sealed class RehearsalDriftTests(StagingFixture fixture)
{
    [Fact]
    public async Task ARehearsalsChangeOnStaging_IsNotReportedAsDrift_WhileItsRevertPlanIsOpen_NorAfterTheRevert()
    {
        var staging = await fixture.App.Service<TargetRegistry>().GetAsync(fixture.TargetId);
        var drift = fixture.App.Service<DriftDetector>();
        var reverts = fixture.App.Service<StagingReverts>();
        await drift.CheckAsync(staging.Id, CancellationToken.None);
        var plan = await reverts.BeginAsync(staging, await fixture.App.Service<SettingsRestorer>().SnapshotAsync(staging), Guid.NewGuid());
        try
        {
            await fixture.AlterSystemAsync("ALTER SYSTEM SET work_mem = '48MB'");
            await Poll.UntilAsync(() => fixture.ShowAsync("work_mem"), v => v == "48MB", TimeSpan.FromSeconds(30), "the rehearsal's change to show");

            Assert.Empty(await drift.CheckAsync(staging.Id, CancellationToken.None));
        }
        finally
        {
            var result = await reverts.RevertAsync(plan);
            Assert.True(result.Exact, result.Summary);
        }

        Assert.Empty(await drift.CheckAsync(staging.Id, CancellationToken.None));
    }

    [Fact]
    public async Task WithoutARehearsal_TheSameChangeOnStaging_IsReportedAsDrift()
    {
        var drift = fixture.App.Service<DriftDetector>();
        await drift.CheckAsync(fixture.TargetId, CancellationToken.None);
        var baseline = DateTimeOffset.UtcNow;
        try
        {
            await fixture.AlterSystemAsync("ALTER SYSTEM SET work_mem = '40MB'");
            await Poll.UntilAsync(() => fixture.ShowAsync("work_mem"), v => v == "40MB", TimeSpan.FromSeconds(30), "the change to show");
            await drift.CheckAsync(fixture.TargetId, CancellationToken.None);

            // Read from the store, not from this check's answer: the console's own drift pass runs beside the test, and when it
            // comes first, it is the one that records the change (seen in CI). Either way it is recorded once.
            await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
            var detected = Assert.Single(await db.Changes.AsNoTracking()
                .Where(c => c.TargetId == fixture.TargetId && c.Parameter == "work_mem" && c.DetectedAt >= baseline)
                .ToListAsync(TestContext.Current.CancellationToken));
            Assert.Equal(ChangeStatus.Detected, detected.Status);
        }
        finally
        {
            await fixture.AlterSystemAsync("ALTER SYSTEM RESET work_mem");
            await Poll.UntilAsync(() => fixture.ShowAsync("work_mem"), v => v != "40MB", TimeSpan.FromSeconds(30), "work_mem reset");
        }
    }
}
