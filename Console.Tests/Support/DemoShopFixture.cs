using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Users;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console whose demo shop runs against a target cluster of its own (the tests ALTER SYSTEM it), with the
/// workload stopped until a test starts it, and checkout events collected in memory instead of ingested.
/// </summary>
public sealed class DemoShopFixture(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private const string Password = "Fixture-Passw0rd!";
    private readonly string root = PostgresClusterFixture.NewTempFolder("shop");
    private ConsoleApp console = null!;

    public EmbeddedPostgres TargetCluster { get; private set; } = null!;
    public WebApplicationFactory<Program> App { get; private set; } = null!;
    public CollectingCheckoutSink Events { get; } = new();
    public string StoreConnectionString { get; private set; } = "";
    public string TargetConnectionString => TargetCluster.ConnectionString("shop");
    public Actor Admin { get; private set; } = null!;
    public Actor Dba { get; private set; } = null!;
    /// <summary>A second DBA, to review what <see cref="Dba"/> registers.</summary>
    public Actor Dba2 { get; private set; } = null!;
    public Actor OnCall { get; private set; } = null!;
    public Actor Viewer { get; private set; } = null!;
    public Guid TargetId { get; private set; }

    public DemoShopControl Control => Service<DemoShopControl>();
    public DemoShopCounters Counters => Service<DemoShopCounters>();

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        TargetCluster = await EmbeddedPostgres.StartAsync(root, durable: false);
        await TargetCluster.EnsureDatabaseAsync("shop");
        StoreConnectionString = await postgres.CreateStoreAsync("shop");
        console = new ConsoleApp(StoreConnectionString, new Dictionary<string, string?> { ["DemoShop:Enabled"] = "false" });
        // The collecting sink stands in for the ingest service (which would store the events in the console store).
        App = console.WithWebHostBuilder(web => web.ConfigureTestServices(services => services.AddSingleton<ICheckoutEventSink>(Events)));
        TargetId = await Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Other, TargetConnectionString);
        Admin = await UserAsync("shopadmin", Roles.Admin);
        Dba = await UserAsync("shopdba", Roles.Dba);
        Dba2 = await UserAsync("shopdba2", Roles.Dba);
        OnCall = await UserAsync("shoponcall", Roles.OnCall);
        Viewer = await UserAsync("shopviewer", Roles.Viewer);
    }

    public async Task<long> CountOnTargetAsync(string sql) => Convert.ToInt64(await ScalarOnTargetAsync(sql));

    public async Task<object?> ScalarOnTargetAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TargetConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Statements run on the target behind the console's back (as the outage's config change was).</summary>
    public async Task ExecuteOnTargetAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(TargetConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task<Actor> UserAsync(string name, string role) =>
        new(await Service<UserAdministration>().CreateAsync(Actor.System, new NewUser(name, name, Password, [role])), name, [role]);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await console.DisposeAsync();
        await TargetCluster.DisposeAsync();
        PostgresClusterFixture.TryDelete(root);
    }
}

/// <summary>Keeps every checkout event the shop reports, as the ingest service would receive them.</summary>
public sealed class CollectingCheckoutSink : ICheckoutEventSink
{
    private readonly ConcurrentQueue<CheckoutEvent> events = new();

    public IReadOnlyList<CheckoutEvent> All => [.. events];

    public Task StoreAsync(IReadOnlyList<CheckoutEvent> batch, CancellationToken ct)
    {
        foreach (var e in batch)
            events.Enqueue(e);
        return Task.CompletedTask;
    }
}
