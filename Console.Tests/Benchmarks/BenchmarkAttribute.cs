using System.Runtime.CompilerServices;
using Xunit.v3;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// Marks a benchmark: a measurement, not a pass/fail test. It is explicit, so a plain <c>dotnet test</c> lists it as
/// not run instead of counting minutes of measuring as one more passed test; scripts/bench.sh runs it with
/// <c>-- xUnit.Explicit=only</c>. It carries Category=Benchmark for filters. What a benchmark can check (every event
/// arrived, every rollback verified) it still asserts, so a broken measurement fails rather than reports nonsense.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BenchmarkAttribute : FactAttribute, ITraitAttribute
{
    public const string Category = "Benchmark";

    public BenchmarkAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber) => Explicit = true;

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new("Category", Category)];
}
