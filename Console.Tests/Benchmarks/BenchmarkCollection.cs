namespace OpsConsole.Tests.Benchmarks;

/// <summary>Benchmarks share one collection so that xunit runs them one after another, never competing for the two cores.</summary>
[CollectionDefinition(Name)]
public sealed class BenchmarkCollection
{
    public const string Name = "Benchmarks";
}
