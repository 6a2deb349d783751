using Npgsql;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console (or two) on a fresh store, monitoring the database "shop" in a PostgreSQL cluster of its own: ALTER SYSTEM
/// changes a whole cluster and a lock sampler sees every session of its target, so such a target is never shared with
/// other test classes (or with the store). Subclasses start their consoles and register the target in <see cref="StartAsync"/>.
/// </summary>
public abstract class ConsoleWithTargetFixture(PostgresClusterFixture postgres, string folderName, string storeName) : IAsyncLifetime
{
    public const string Password = "Fixture-Passw0rd!";
    private readonly string root = PostgresClusterFixture.NewTempFolder(folderName);

    public EmbeddedPostgres TargetCluster { get; private set; } = null!;
    public string StoreConnectionString { get; private set; } = "";
    /// <summary>The store cluster's superuser: for tests that play an insider, or set up what the runtime role may not.</summary>
    public string StoreSuperuserConnectionString => postgres.AsSuperuser(StoreConnectionString);
    public string TargetConnectionString => TargetCluster.ConnectionString("shop");
    public Guid TargetId { get; protected set; }

    public async ValueTask InitializeAsync()
    {
        TargetCluster = await EmbeddedPostgres.StartAsync(root, durable: false);
        await TargetCluster.EnsureDatabaseAsync("shop");
        StoreConnectionString = await postgres.CreateStoreAsync(storeName);
        await StartAsync();
    }

    /// <summary>Starts the consoles on <see cref="StoreConnectionString"/>, registers the target and creates the users.</summary>
    protected abstract Task StartAsync();

    /// <summary>Stops the consoles, before the target's cluster goes.</summary>
    protected abstract ValueTask StopAsync();

    public Task<object?> ScalarOnTargetAsync(string sql) => Sql.ScalarAsync(TargetConnectionString, sql);

    /// <summary>Statements run on the target directly, behind the console's back.</summary>
    public Task ExecuteOnTargetAsync(params string[] statements) => Sql.ExecuteAsync(TargetConnectionString, statements);

    /// <summary>All of pg_settings (name, setting) on the target's cluster, read in a new session: what a revert must bring back.</summary>
    public async Task<IReadOnlyList<(string Name, string Setting)>> PgSettingsAsync()
    {
        await using var connection = new NpgsqlConnection(TargetConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT name, coalesce(setting, '') FROM pg_settings ORDER BY name", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var settings = new List<(string, string)>();
        while (await reader.ReadAsync())
            settings.Add((reader.GetString(0), reader.GetString(1)));
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await TargetCluster.DisposeAsync();
        PostgresClusterFixture.TryDelete(root);
    }
}
