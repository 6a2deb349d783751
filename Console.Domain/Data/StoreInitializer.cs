using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Users;

namespace OpsConsole.Domain.Data;

/// <summary>
/// Brings the console store up to date before the server takes requests: migrations (unless turned off),
/// roles, and the first admin. Hosted services start before Kestrel listens, so no request sees an old schema.
/// </summary>
public sealed class StoreInitializer(IDbContextFactory<OpsDbContext> dbFactory, IOptions<DatabaseOptions> options,
    AdminBootstrap bootstrap, TargetRegistry targets, RollbackRecovery rollbacks, IConfiguration configuration, ILogger<StoreInitializer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (options.Value.MigrateOnStartup)
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                if (pending.Count > 0)
                {
                    logger.LogInformation("Applying {Count} migrations to the console store", pending.Count);
                    await db.Database.MigrateAsync(ct);
                }
            }
            else if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
            {
                // Not fatal: /readyz reports it, so a load balancer keeps traffic away until the migration step has run.
                logger.LogWarning("The console store has pending migrations and Database:MigrateOnStartup is off");
                return;
            }
        }
        await bootstrap.RunAsync(ct);
        await rollbacks.RunAsync(ct);

        // The embedded default's demo database is monitored from the first start.
        if (configuration.GetConnectionString(DemoTargetConnectionName) is { Length: > 0 } shop)
            await targets.EnsureRegisteredAsync("shop", TargetEnvironment.Other, shop, ct);
    }

    public const string DemoTargetConnectionName = "Shop";

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
