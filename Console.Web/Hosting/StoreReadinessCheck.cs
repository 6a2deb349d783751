using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpsConsole.Domain.Data;

namespace OpsConsole.Web.Hosting;

/// <summary>Ready when the console store answers and has no pending migrations.</summary>
internal sealed class StoreReadinessCheck(StoreMigrations migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var pending = await migrations.PendingAsync(timeout.Token);
            return pending.Count == 0
                ? HealthCheckResult.Healthy("The console store answers and its schema is current.")
                : HealthCheckResult.Unhealthy($"The console store has {pending.Count} pending migrations: run the migration step.");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // Pooled connections to a server that went away are dead: drop them so the next check starts fresh.
            NpgsqlConnection.ClearAllPools();
            return HealthCheckResult.Unhealthy("The console store does not answer.");
        }
    }
}
