using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Data;

public static class StoreRegistration
{
    /// <summary>The console store: its context factory, its migration at start, and the Data Protection key ring kept in it.</summary>
    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration)
    {
        // A factory, not a scoped context: Blazor circuits live for a whole session. Identity's stores
        // still get a scoped context, which AddDbContextFactory registers as well.
        services.AddDbContextFactory<OpsDbContext>((sp, options) => options.UseConsoleStore(sp.StoreConnectionString()));
        services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        services.AddSingleton<StoreMigrations>();
        // Before Data Protection, whose own hosted service reads the key ring from the store at start: the store
        // must be migrated by then, or a first start logs errors for a table that is about to exist.
        services.AddHostedService<StoreInitializer>();
        services.AddDataProtection().SetApplicationName("OpsConsole").PersistKeysToDbContext<OpsDbContext>()
            .ProtectKeysWithConfiguredCertificate(configuration.GetValidated<KeyRingOptions>(KeyRingOptions.Section));
        return services;
    }

    /// <summary>The runtime connection string of the console store, for the services that open their own connections.</summary>
    public static string StoreConnectionString(this IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(StoreSetup.ConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{StoreSetup.ConnectionStringName} is not set.");
}
