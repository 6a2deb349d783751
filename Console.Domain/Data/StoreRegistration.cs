using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsConsole.Domain.Data;

public static class StoreRegistration
{
    /// <summary>The console store: its context factory, its migration at start, its day partitions, and the Data Protection key ring kept in it.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration)
    {
        // A factory, not a scoped context: Blazor circuits live for a whole session. Identity's stores
        // still get a scoped context, which AddDbContextFactory registers as well.
        // EF logs a failed commit or rollback as an error before it throws, with no cancelled variant (queries and saves
        // have one): a commit cancelled because the console is stopping logged ERR at every unlucky stop. The caller gets
        // the exception and reports it at its own level, so EF's copy is a warning.
        services.AddDbContextFactory<OpsDbContext>((sp, options) => options.UseConsoleStore(sp.StoreConnectionString())
            .ConfigureWarnings(w => w.Log((RelationalEventId.TransactionError, LogLevel.Warning))));
        services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        services.AddSingleton<StoreMigrations>();
        // Before Data Protection, whose own hosted service reads the key ring from the store at start: the store
        // must be migrated by then, or a first start logs errors for a table that is about to exist.
        services.AddHostedService<StoreInitializer>();
        services.AddSingleton<DayPartitionMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<DayPartitionMaintenance>());
        services.AddDataProtection().SetApplicationName("OpsConsole").PersistKeysToDbContext<OpsDbContext>()
            .ProtectKeysWithConfiguredCertificate(configuration.GetValidated<KeyRingOptions>(KeyRingOptions.Section));
        return services;
    }

    /// <summary>The runtime connection string of the console store, for the services that open their own connections.</summary>
    public static string StoreConnectionString(this IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(StoreSetup.ConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{StoreSetup.ConnectionStringName} is not set.");
}
