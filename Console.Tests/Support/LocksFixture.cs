using OpsConsole.Domain.Access;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console watching a target cluster of its own, sampled every half second, for the Locks page's browser tests:
/// other classes' sessions never show up in its graph. Users: dba1 (DBA) and viewer (Viewer).
/// </summary>
public sealed class LocksFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "locks", "locks")
{
    public ConsoleApp App { get; private set; } = null!;

    protected override async Task StartAsync()
    {
        App = new ConsoleApp(StoreConnectionString, new Dictionary<string, string?>
        {
            ["Locks:SampleInterval"] = "00:00:00.500", ["Locks:MaxBackoff"] = "00:00:02",
        });
        TargetId = await App.Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Production, TargetConnectionString);
        await App.CreateUserAsync("dba1", Password, Roles.Dba);
        await App.CreateUserAsync("viewer", Password, Roles.Viewer);
    }

    protected override ValueTask StopAsync() => App.DisposeAsync();
}
