using System.Diagnostics;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Click-to-verified rollback time for setting changes on a local target: the time the Rollback button's
/// handler spends in the procedure, from authorize to the verified value and the recorded audit entries.
/// Run by scripts/bench.sh (Category=Benchmark), which prints the figures; the test suite leaves it out,
/// because speed goals live in benchmarks, not in pass/fail tests.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class RollbackBenchmark(TargetFixture fixture, ITestOutputHelper output) : IClassFixture<TargetFixture>
{
    private const int Rollbacks = 50;

    [Benchmark]
    public async Task FiftySettingRollbacks()
    {
        var registry = fixture.App.Service<ChangeRegistry>();
        var applier = fixture.App.Service<ChangeApplier>();
        var procedure = fixture.App.Service<RollbackProcedure>();
        var durations = new List<double>();

        for (var i = 0; i < Rollbacks; i++)
        {
            var change = await registry.RegisterSettingAsync(fixture.Dba1, new SettingChangeRequest(fixture.TargetId, "deadlock_timeout", $"{1100 + i}ms",
                new ChangeDetails($"Bench {i}", "Benchmark", null, ChangeRisk.Low, null), SubmitForReview: true));
            await registry.ApproveAsync(fixture.Dba2, change.Id, "");
            Assert.True((await applier.ApplyAsync(fixture.Dba2, change.Id)).Succeeded);

            var clock = Stopwatch.StartNew();
            var outcome = await procedure.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Benchmark"));
            durations.Add(clock.Elapsed.TotalMilliseconds);
            Assert.True(outcome.Succeeded, outcome.Message);
        }

        durations.Sort();
        var figures = new
        {
            rollbacks = Rollbacks,
            medianMs = BenchmarkFigures.Percentile(durations, 0.50),
            p95Ms = BenchmarkFigures.Percentile(durations, 0.95),
            maxMs = durations[^1],
        };
        BenchmarkFigures.Report(output, "rollback.json", figures);
    }
}
