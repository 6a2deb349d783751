using System.Text.Json;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>What every benchmark does with its figures: percentiles the same way, and one place they go.</summary>
internal static class BenchmarkFigures
{
    /// <summary>Nearest-rank percentile of sorted values (0 when there are none).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Prints the figures, and writes them for scripts/bench.sh's table when it runs the benchmarks (OPS_BENCH_OUT).</summary>
    public static void Report(ITestOutputHelper output, string file, object figures)
    {
        var json = JsonSerializer.Serialize(figures);
        output.WriteLine(json);
        if (Environment.GetEnvironmentVariable("OPS_BENCH_OUT") is { Length: > 0 } folder)
            File.WriteAllText(Path.Combine(folder, file), json);
    }
}
