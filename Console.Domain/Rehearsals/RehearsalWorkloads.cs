namespace OpsConsole.Domain.Rehearsals;

/// <summary>Runs a profile's workload: the demo shop's checkout (<see cref="RehearsalLoad"/>).</summary>
public sealed class RehearsalWorkloads(RehearsalLoad shop)
{
    public Task<RunFigures> RunAsync(string connectionString, RehearsalProfileSettings profile, TimeSpan duration, Action<LoadProgress>? progress,
        CancellationToken ct) => shop.RunAsync(connectionString, profile, duration, progress, ct);
}
