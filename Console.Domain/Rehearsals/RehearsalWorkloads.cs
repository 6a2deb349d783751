using OpsConsole.Domain.Rehearsals.Workloads;

namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// Runs a profile's workload, whichever it is: its own SQL scripts by pgbench (<see cref="PgbenchLoad"/>) when it has any,
/// else the demo shop's checkout (<see cref="RehearsalLoad"/>). Both measure the same <see cref="RunFigures"/>.
/// </summary>
public sealed class RehearsalWorkloads(RehearsalLoad shop, PgbenchLoad pgbench)
{
    public Task<RunFigures> RunAsync(string connectionString, RehearsalProfileSettings profile, TimeSpan duration, Action<LoadProgress>? progress,
        CancellationToken ct) =>
        profile.Scripts.Count > 0
            ? pgbench.RunAsync(connectionString, profile, duration, progress, ct)
            : shop.RunAsync(connectionString, profile, duration, progress, ct);
}
