using OpsConsole.Domain.Access;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console on a fresh store with the targets a rehearsal's safety is about: "staging", a Staging target in a cluster of
/// its own (the fixture's target cluster, which tests change with ALTER SYSTEM); "prod" (Production) and "prod-staging"
/// (marked Staging), two databases of one cluster (the shared target cluster, only read here); and "other" (Other).
/// Heartbeats every second, stale after three, so that the recovery of interrupted rehearsals is quick to watch.
/// The staging tests share it as a collection: they change one cluster's settings and restart the console, one at a time.
/// </summary>
public sealed class StagingFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "staging", "staging")
{
    private readonly PostgresClusterFixture shared = postgres;

    public ConsoleApp App { get; private set; } = null!;
    public Guid ProductionId { get; private set; }
    public Guid StagingOnProductionClusterId { get; private set; }
    public Guid OtherId { get; private set; }
    public Actor Dba { get; private set; } = null!;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Instances:HeartbeatInterval"] = "00:00:01",
        ["Instances:StaleAfter"] = "00:00:03",
        ["Instances:LockRetryInterval"] = "00:00:00.200",
    };

    protected override async Task StartAsync()
    {
        App = new ConsoleApp(StoreConnectionString, Settings);
        var registry = App.Service<TargetRegistry>();
        TargetId = await registry.RegisterAsync(Actor.System, "staging", TargetEnvironment.Staging, TargetConnectionString);
        ProductionId = await registry.RegisterAsync(Actor.System, "prod", TargetEnvironment.Production, await shared.CreateTargetDatabaseAsync("prod"));
        StagingOnProductionClusterId = await registry.RegisterAsync(Actor.System, "prod-staging", TargetEnvironment.Staging,
            await shared.CreateTargetDatabaseAsync("prod_staging"));
        OtherId = await registry.RegisterAsync(Actor.System, "other", TargetEnvironment.Other, TargetConnectionString);
        Dba = new Actor(await App.CreateUserAsync("dba", Password, Roles.Dba), "dba", [Roles.Dba]);
    }

    /// <summary>A new database in the cluster of "prod".</summary>
    public Task<string> CreateProductionDatabaseAsync(string purpose) => shared.CreateTargetDatabaseAsync(purpose);

    /// <summary>Stops the console cleanly and starts another on the same store, as the next start after an interruption.</summary>
    public async Task RestartConsoleAsync()
    {
        await App.DisposeAsync();
        App = new ConsoleApp(StoreConnectionString, Settings);
        _ = App.Services;
    }

    /// <summary>The lines of the staging cluster's postgresql.auto.conf, as on disk.</summary>
    public IReadOnlyList<string> AutoConfLines() =>
        [.. File.ReadAllLines(Path.Combine(TargetCluster.DataDirectory, "postgresql.auto.conf")).Where(l => !l.StartsWith('#')).Order(StringComparer.Ordinal)];

    /// <summary>SHOW on staging, in a new session (so it sees the last reload).</summary>
    public async Task<string> ShowAsync(string parameter) => (string)(await ScalarOnTargetAsync($"SHOW {parameter}"))!;

    /// <summary>ALTER SYSTEM statements run on staging behind the console's back, then a reload.</summary>
    public Task AlterSystemAsync(params string[] statements) => ExecuteOnTargetAsync([.. statements, "SELECT pg_reload_conf()"]);

    protected override ValueTask StopAsync() => App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class StagingCollection : ICollectionFixture<StagingFixture>
{
    public const string Name = "Staging cluster";
}
