using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

/// <summary>The embedded default's store and demo target, each in a cluster of its own.</summary>
public sealed class EmbeddedClustersTests : IDisposable
{
    private readonly string root = PostgresClusterFixture.NewTempFolder("clusters");

    public void Dispose() => PostgresClusterFixture.TryDelete(root);

    [Fact]
    public async Task ADataFolderOfAnEarlierVersion_KeepsItsStore_HandsItToTheOwner_AndTheShopMovesOut()
    {
        var ct = TestContext.Current.CancellationToken;
        // An earlier version: one cluster at the top of the folder, holding the store (made by the superuser) and the shop.
        await using (var earlier = await EmbeddedPostgres.StartAsync(root, durable: false, ct: ct))
        {
            await earlier.EnsureDatabaseAsync(EmbeddedClusters.StoreDatabase, ct: ct);
            await earlier.EnsureDatabaseAsync("shop", ct: ct);
            await using var db = PostgresClusterFixture.ContextFor(earlier.ConnectionString(EmbeddedClusters.StoreDatabase) + ";Pooling=false");
            await db.Database.MigrateAsync(ct);
        }

        await using var clusters = await EmbeddedClusters.StartAsync(root, new EmbeddedPostgresOptions(), NullLogger.Instance, ct);

        Assert.Equal(Path.GetFullPath(root), clusters.Store.Root);
        Assert.Equal(Path.Combine(Path.GetFullPath(root), "shop"), clusters.Shop.Root);
        await using (var store = await clusters.Store.OpenAsSuperuserAsync(EmbeddedClusters.StoreDatabase, ct))
        {
            Assert.Equal(0L, await ScalarAsync<long>(store, "SELECT count(*) FROM pg_database WHERE datname = 'shop'"));
            Assert.Equal(0L, await ScalarAsync<long>(store, """
                SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relowner <> 'opsconsole_owner'::regrole)
                     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'public' AND p.proowner <> 'opsconsole_owner'::regrole)
                """));
            Assert.Equal(EmbeddedClusters.OwnerRole, await ScalarAsync<string>(store,
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
        }
        await using var shop = new NpgsqlConnection(clusters.ShopConnectionString + ";Pooling=false");
        await shop.OpenAsync(ct);
        Assert.NotEqual(clusters.Store.Port, clusters.Shop.Port);
        Assert.NotEqual(File.ReadAllText(Path.Combine(root, "superuser.password")), File.ReadAllText(Path.Combine(root, "shop", "superuser.password")));
    }

    [Fact]
    public async Task ANewDataFolder_HoldsTwoClusters_AndTheRuntimeRoleCannotReachTheShop()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var clusters = await EmbeddedClusters.StartAsync(root, new EmbeddedPostgresOptions(), NullLogger.Instance, ct);

        Assert.True(File.Exists(Path.Combine(root, "store", "pgdata", "PG_VERSION")));
        Assert.True(File.Exists(Path.Combine(root, "shop", "pgdata", "PG_VERSION")));
        foreach (var role in new[] { EmbeddedClusters.OwnerRole, EmbeddedClusters.RuntimeRole })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root, "store", $"{role}.password")));
        var runtimeOnShop = new NpgsqlConnectionStringBuilder(clusters.StoreConnectionString) { Port = clusters.Shop.Port, Database = "shop", Pooling = false };
        await using var shop = new NpgsqlConnection(runtimeOnShop.ConnectionString);
        await Assert.ThrowsAsync<PostgresException>(() => shop.OpenAsync(ct));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
