using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Users;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console whose demo shop runs against a target cluster of its own (the tests ALTER SYSTEM it), with the
/// workload stopped until a test starts it, and checkout events collected in memory instead of ingested.
/// </summary>
public sealed class DemoShopFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "shop", "shop")
{
    private ConsoleApp console = null!;

    public WebApplicationFactory<Program> App { get; private set; } = null!;
    public CollectingCheckoutSink Events { get; } = new();
    public Actor Admin { get; private set; } = null!;
    public Actor Dba { get; private set; } = null!;
    /// <summary>A second DBA, to review what <see cref="Dba"/> registers.</summary>
    public Actor Dba2 { get; private set; } = null!;
    public Actor OnCall { get; private set; } = null!;
    public Actor Viewer { get; private set; } = null!;

    public DemoShopControl Control => Service<DemoShopControl>();
    public DemoShopCounters Counters => Service<DemoShopCounters>();

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    protected override async Task StartAsync()
    {
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

    private async Task<Actor> UserAsync(string name, string role) =>
        new(await Service<UserAdministration>().CreateAsync(Actor.System, new NewUser(name, name, Password, [role])), name, [role]);

    protected override async ValueTask StopAsync()
    {
        await App.DisposeAsync();
        await console.DisposeAsync();
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
