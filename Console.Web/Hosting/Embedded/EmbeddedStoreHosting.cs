using OpsConsole.Domain;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.DemoShop;
using Serilog.Extensions.Logging;

namespace OpsConsole.Web.Hosting.Embedded;

public static class EmbeddedStoreHosting
{
    /// <summary>
    /// With no console store configured, starts the private clusters (the console store, with its owner and runtime
    /// roles, and the demo <c>shop</c> target) and points the connection strings at them. With one configured, starts nothing.
    /// It runs while the app is being built because every later registration needs the connection string.
    /// </summary>
    public static WebApplicationBuilder AddEmbeddedStoreWhenUnconfigured(this WebApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(StoreSetup.ConnectionStringName)))
            return builder;

        var options = builder.Configuration.GetValidated<EmbeddedPostgresOptions>(EmbeddedPostgresOptions.Section);
        var root = Path.GetFullPath(options.DataDirectory, builder.Environment.ContentRootPath);
        var logger = new SerilogLoggerFactory(Serilog.Log.Logger).CreateLogger<EmbeddedPostgres>();

        var clusters = StartAsync(root, options, logger).GetAwaiter().GetResult();
        // Fallback for exits that skip the host's orderly shutdown (a failed start, an unhandled exception).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => clusters.StopAsync().GetAwaiter().GetResult();

        builder.Configuration[$"ConnectionStrings:{StoreSetup.ConnectionStringName}"] = clusters.StoreConnectionString;
        builder.Configuration[$"ConnectionStrings:{StoreSetup.MigrationsConnectionStringName}"] = clusters.StoreMigrationsConnectionString;
        builder.Configuration[$"ConnectionStrings:{StoreInitializer.DemoTargetConnectionName}"] = clusters.ShopConnectionString;
        EmbeddedCheckpointKey.UseUnlessConfigured(builder.Configuration, clusters.Store.Root);
        // The demo shop has customers out of the box, unless configured otherwise.
        const string demoShopEnabled = $"{DemoShopOptions.Section}:{nameof(DemoShopOptions.Enabled)}";
        if (string.IsNullOrWhiteSpace(builder.Configuration[demoShopEnabled]))
            builder.Configuration[demoShopEnabled] = "true";
        builder.Services.AddSingleton(clusters);
        builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        return builder;
    }

    private static async Task<EmbeddedClusters> StartAsync(string root, EmbeddedPostgresOptions options, ILogger logger) =>
        await EmbeddedClusters.StartAsync(await ReachableRootAsync(root, logger), options, logger);

    /// <summary>
    /// The folder the embedded clusters live in: <paramref name="root"/>, unless the postgres OS user cannot reach it (run
    /// as root from a folder closed to it, a checkout under /root, say); then one of its own under /var/lib/opsconsole.
    /// </summary>
    public static async Task<string> ReachableRootAsync(string root, ILogger logger)
    {
        if (await EmbeddedPostgres.ServerUserCanReachAsync(root))
            return root;
        var fallback = Path.Combine("/var/lib/opsconsole", $"{Path.GetFileName(Path.GetDirectoryName(root))}-{StableHash(root)}");
        logger.LogWarning("The postgres OS user cannot reach {Root}; keeping the embedded clusters in {Fallback} instead", root, fallback);
        return fallback;
    }

    private static string StableHash(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..8].ToLowerInvariant();
}

/// <summary>Stops the embedded clusters when the console stops (Ctrl+C included). Registered first, so stopped last.</summary>
internal sealed class EmbeddedPostgresLifetime(EmbeddedClusters clusters) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => clusters.StopAsync();
}
