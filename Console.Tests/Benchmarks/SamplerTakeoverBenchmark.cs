using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Takeover time of a target's lock sampler: kill -9 of the console sampling it, to the first tick sampled by another
/// console on the store (as a third instance receives it). Five rounds, each killing the sampler of the moment and
/// starting a fresh console in its place.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class SamplerTakeoverBenchmark(PostgresClusterFixture postgres, ITestOutputHelper output)
{
    private const int Rounds = 5;

    [Benchmark]
    public async Task SamplerTakeover_AfterKillMinus9()
    {
        await using var rig = await SamplerTakeoverRig.StartAsync(postgres, consoles: 2);
        var takeovers = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            takeovers.Add((await rig.KillSamplerAndTimeTakeoverAsync(TimeSpan.FromSeconds(30))).TotalMilliseconds);
            await rig.StartConsoleAsync();
        }
        takeovers.Sort();
        BenchmarkFigures.Report(output, "takeover.json", new
        {
            rounds = Rounds,
            medianMs = BenchmarkFigures.Percentile(takeovers, 0.5),
            maxMs = takeovers[^1],
            allMs = takeovers,
        });
    }
}
