using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console on a fresh store, and a staging database "shop" in a PostgreSQL cluster of its own that rehearsal tests load
/// and ALTER SYSTEM. For the rehearsal runner, it is registered as the Staging target "staging", beside a Production target
/// "prod" (a database of the shared cluster) on which changes are registered, with two DBAs and a Viewer.
/// </summary>
public sealed class RehearsalFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "rehearsal", "rehearsal")
{
    private readonly PostgresClusterFixture shared = postgres;

    public ConsoleApp App { get; private set; } = null!;
    public Guid ProductionId { get; private set; }
    public Actor Dba1 { get; private set; } = null!;
    public Actor Dba2 { get; private set; } = null!;
    public Actor Viewer { get; private set; } = null!;

    protected override async Task StartAsync()
    {
        App = new ConsoleApp(StoreConnectionString);
        var registry = App.Service<TargetRegistry>();
        TargetId = await registry.RegisterAsync(Actor.System, "staging", TargetEnvironment.Staging, TargetConnectionString);
        ProductionId = await registry.RegisterAsync(Actor.System, "prod", TargetEnvironment.Production, await shared.CreateTargetDatabaseAsync("rehearsal_prod"));
        Dba1 = new Actor(await App.CreateUserAsync("dba1", Password, Roles.Dba), "dba1", [Roles.Dba]);
        Dba2 = new Actor(await App.CreateUserAsync("dba2", Password, Roles.Dba), "dba2", [Roles.Dba]);
        Viewer = new Actor(await App.CreateUserAsync("viewer", Password, Roles.Viewer), "viewer", [Roles.Viewer]);
    }

    /// <summary>A setting change on "prod", registered by dba1 and submitted for review.</summary>
    public Task<ConfigChange> RegisterAsync(string parameter, string value, ChangeRisk risk = ChangeRisk.Medium) =>
        App.Service<ChangeRegistry>().RegisterSettingAsync(Dba1, new SettingChangeRequest(ProductionId, parameter, value,
            new ChangeDetails($"Set {parameter} to {value} {Guid.NewGuid().ToString("N")[..6]}", "Optimize query performance", null, risk, null), true));

    /// <summary>Saves a profile under a fresh name (dba1) and returns the name.</summary>
    public async Task<string> SaveProfileAsync(RehearsalProfileSettings settings)
    {
        var named = settings with { Name = $"{settings.Name} {Guid.NewGuid().ToString("N")[..6]}" };
        await App.Service<RehearsalProfiles>().SaveAsync(Dba1, null, named);
        return named.Name;
    }

    /// <summary>Waits until the rehearsal has ended, and returns it as stored.</summary>
    public async Task<Rehearsal> EndedAsync(Guid id, TimeSpan within) =>
        (await Poll.UntilAsync(() => App.Service<RehearsalService>().GetAsync(id), r => r is { IsUnderWay: false }, within, "the rehearsal to end"))!;

    protected override ValueTask StopAsync() => App.DisposeAsync();
}
