namespace OpsConsole.Web.Hosting.Embedded;

/// <summary>
/// The embedded default's two clusters under one data folder: <c>store/</c> holds the console store, <c>shop/</c>
/// the demo target. Apart, so that nothing done to the target (an approved SQL change runs as its superuser) can
/// reach the store. A folder from earlier versions, with one cluster at its top holding both databases, keeps its
/// store where it is; the demo database moves to a cluster of its own and the old copy is dropped.
/// </summary>
public sealed class EmbeddedClusters(EmbeddedPostgres store, EmbeddedPostgres shop, string shopDatabase) : IAsyncDisposable
{
    public const string StoreDatabase = "opsconsole";
    public const string OwnerRole = "opsconsole_owner";
    public const string RuntimeRole = "opsconsole_runtime";

    public EmbeddedPostgres Store { get; } = store;
    public EmbeddedPostgres Shop { get; } = shop;

    /// <summary>The running console's connection: the runtime role, which owns nothing.</summary>
    public string StoreConnectionString => Store.ConnectionString(StoreDatabase, RuntimeRole);

    /// <summary>For migrations: the role that owns the store's schema.</summary>
    public string StoreMigrationsConnectionString => Store.ConnectionString(StoreDatabase, OwnerRole);

    public string ShopConnectionString => Shop.ConnectionString(shopDatabase);

    public static async Task<EmbeddedClusters> StartAsync(string root, EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct = default)
    {
        var earlierLayout = File.Exists(Path.Combine(root, "pgdata", "PG_VERSION"));
        var store = await EmbeddedPostgres.StartAsync(earlierLayout ? root : Path.Combine(root, "store"), durable: true, options.Port,
            options.BinDirectory, logger, ct: ct);
        try
        {
            await EmbeddedStoreRoles.PrepareAsync(store, StoreDatabase, OwnerRole, RuntimeRole, ct);
            if (earlierLayout && options.ShopDatabase != StoreDatabase && await store.DropDatabaseIfExistsAsync(options.ShopDatabase, ct))
                logger.LogWarning("The demo database {Database} now has a cluster of its own; dropped the old copy from the console store's cluster in {Root}",
                    options.ShopDatabase, root);

            var shop = await EmbeddedPostgres.StartAsync(Path.Combine(root, "shop"), durable: true, options.ShopPort, options.BinDirectory, logger, ct: ct);
            try
            {
                await shop.EnsureDatabaseAsync(options.ShopDatabase, ct: ct);
                return new EmbeddedClusters(store, shop, options.ShopDatabase);
            }
            catch
            {
                await shop.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops both, the demo target first. Safe to call twice.</summary>
    public async Task StopAsync()
    {
        await Shop.StopAsync();
        await Store.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Shop.DisposeAsync();
        await Store.DisposeAsync();
    }
}
