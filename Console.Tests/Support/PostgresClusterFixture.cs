using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Data;
using OpsConsole.Web.Hosting.Embedded;

[assembly: AssemblyFixture(typeof(OpsConsole.Tests.Support.PostgresClusterFixture))]
// The tests run PostgreSQL as the postgres OS user and check Unix file modes: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace OpsConsole.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, started with the console's own cluster manager.
/// A migrated template database is made once; each test class gets a fresh copy of it in milliseconds. Stores
/// are set up as in production: owned by an owner role that ran the migrations, used by a runtime role that owns
/// nothing, so that every test runs the console as that role and a missing grant fails it.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private const string Template = "ops_template";
    public const string OwnerRole = "ops_owner";
    public const string RuntimeRole = "ops_runtime";
    private static int counter;
    private static string? ownerPassword;
    private string root = "";
    private readonly string targetsRoot = NewTempFolder("targets");
    private readonly Lazy<Task<EmbeddedPostgres>> targets;

    /// <summary>
    /// Every test class's consoles leave pooled connections behind in the test process (Npgsql prunes idle ones only
    /// after minutes), to a store and a target database of their own: the shared clusters allow many more than the default.
    /// </summary>
    private const int SharedClusterConnections = 1000;

    public PostgresClusterFixture() =>
        targets = new(() => EmbeddedPostgres.StartAsync(targetsRoot, durable: false, maxConnections: SharedClusterConnections),
            LazyThreadSafetyMode.ExecutionAndPublication);

    public EmbeddedPostgres Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        root = NewTempFolder("cluster");
        Cluster = await EmbeddedPostgres.StartAsync(root, durable: false, maxConnections: SharedClusterConnections);
        await Cluster.EnsureLoginRoleAsync(OwnerRole);
        await Cluster.EnsureLoginRoleAsync(RuntimeRole);
        ownerPassword = new NpgsqlConnectionStringBuilder(Cluster.ConnectionString("postgres", OwnerRole)).Password;
        await Cluster.EnsureDatabaseAsync(Template, OwnerRole);
        // No pooling: a template database must have no open sessions when it is copied.
        await using var db = ContextFor(Cluster.ConnectionString(Template, OwnerRole) + ";Pooling=false");
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync(StorePrivileges.GrantScript(RuntimeRole));
    }

    /// <summary>
    /// A new console store, migrated, empty of users; its name starts with <paramref name="purpose"/>. The connection
    /// string is the runtime role's: <see cref="AsOwner"/> and <see cref="AsSuperuser"/> give the others.
    /// </summary>
    public async Task<string> CreateStoreAsync(string purpose)
    {
        var name = $"{Sanitize(purpose)}_{Interlocked.Increment(ref counter)}_{Environment.ProcessId}";
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE {Template} OWNER {OwnerRole}", connection);
        await create.ExecuteNonQueryAsync();
        return Cluster.ConnectionString(name, RuntimeRole);
    }

    /// <summary>The same store as its owner (the role migrations run as).</summary>
    public string AsOwner(string store) => OwnerConnectionString(store);

    /// <summary>The owner's connection string to the store that <paramref name="runtime"/> reaches (for ConsoleApp, which has no fixture).</summary>
    public static string OwnerConnectionString(string runtime) =>
        new NpgsqlConnectionStringBuilder(runtime) { Username = OwnerRole, Password = ownerPassword }.ConnectionString;

    /// <summary>The same store as the cluster's superuser: what an insider with full rights could do.</summary>
    public string AsSuperuser(string store) => Cluster.ConnectionString(DatabaseOf(store));

    private static string DatabaseOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    /// <summary>A store as a deployment starts one: an empty database of the owner role, reached as the runtime role.</summary>
    public async Task<string> CreateUnmigratedStoreAsync(string purpose)
    {
        var name = $"{Sanitize(purpose)}_{Interlocked.Increment(ref counter)}_{Environment.ProcessId}";
        await Cluster.EnsureDatabaseAsync(name, OwnerRole);
        return Cluster.ConnectionString(name, RuntimeRole);
    }

    /// <summary>An empty database (no migrations applied).</summary>
    public async Task<string> CreateEmptyDatabaseAsync(string purpose)
    {
        var name = $"{Sanitize(purpose)}_{Interlocked.Increment(ref counter)}_{Environment.ProcessId}";
        await Cluster.EnsureDatabaseAsync(name);
        return Cluster.ConnectionString(name);
    }

    /// <summary>
    /// An empty database in a second shared cluster, for tests that register it as a target: the console refuses a
    /// target in its store's cluster. Started on first use. Tests that change a target's settings need a cluster of their own.
    /// </summary>
    public async Task<string> CreateTargetDatabaseAsync(string purpose)
    {
        var cluster = await targets.Value;
        var name = $"{Sanitize(purpose)}_{Interlocked.Increment(ref counter)}_{Environment.ProcessId}";
        await cluster.EnsureDatabaseAsync(name);
        return cluster.ConnectionString(name);
    }

    public static OpsDbContext ContextFor(string connectionString) =>
        new((DbContextOptions<OpsDbContext>)new DbContextOptionsBuilder<OpsDbContext>().UseConsoleStore(connectionString).Options);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        TryDelete(root);
        if (targets.IsValueCreated)
            await (await targets.Value).DisposeAsync();
        TryDelete(targetsRoot);
    }

    /// <summary>A folder under the system temp folder, reachable by the postgres OS user when tests run as root.</summary>
    public static string NewTempFolder(string purpose) =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"opsconsole-tests-{purpose}-{Guid.NewGuid():N}")).FullName;

    public static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string Sanitize(string purpose) =>
        new string(purpose.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray()) is { Length: > 0 } s ? s[..Math.Min(s.Length, 30)] : "db";
}
