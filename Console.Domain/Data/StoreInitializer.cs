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
public sealed class StoreInitializer(StoreMigrations migrations, IOptions<DatabaseOptions> options,
    AdminBootstrap bootstrap, TargetRegistry targets, RollbackRecovery rollbacks, IConfiguration configuration, ILogger<StoreInitializer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (options.Value.MigrateOnStartup)
            await migrations.MigrateAsync(ct);
        else if ((await migrations.PendingAsync(ct)).Count > 0)
        {
            // Not fatal: /readyz reports it, so a load balancer keeps traffic away until the migration step has run.
            logger.LogWarning("The console store has pending migrations and Database:MigrateOnStartup is off");
            return;
        }
        await migrations.WarnWhenPowersAreNotSeparatedAsync(ct);
        await bootstrap.RunAsync(ct);
        await rollbacks.RunAsync(ct);

        // The embedded default's demo database is monitored from the first start.
        if (configuration.GetConnectionString(DemoTargetConnectionName) is { Length: > 0 } shop)
            await targets.EnsureRegisteredAsync("shop", TargetEnvironment.Other, shop, ct);
    }

    public const string DemoTargetConnectionName = "Shop";

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
