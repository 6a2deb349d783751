namespace OpsConsole.Tests.Support;

/// <summary>
/// Tests whose outcome depends on the machine's pace (the demo shop's failure rates under a peak; a console's
/// start and graceful stop) run alone, after the parallel ones, rather than beside dozens of other clusters.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuietCollection
{
    public const string Name = "Quiet machine";
}
