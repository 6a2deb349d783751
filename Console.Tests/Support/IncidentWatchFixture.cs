using OpsConsole.Domain.Access;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console whose incident watcher looks five times a second, with a two-second quiet period and a one-second long lock
/// wait, monitoring a target of its own: its live checkout figures and its target's locks are the tests' alone.
/// </summary>
public sealed class IncidentWatchFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "incident-watch", "incident_watch")
{
    public ConsoleApp App { get; private set; } = null!;
    public Actor OnCall { get; private set; } = null!;

    protected override async Task StartAsync()
    {
        App = new ConsoleApp(StoreConnectionString, new Dictionary<string, string?>
        {
            ["Incidents:WatchInterval"] = "00:00:00.200",
            ["Incidents:QuietPeriod"] = "00:00:02",
            ["Incidents:LongLockWait"] = "00:00:01",
            ["Incidents:HealthMinimumAttempts"] = "5",
            ["Locks:MaxBackoff"] = "00:00:02",
        });
        TargetId = await App.Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Production, TargetConnectionString);
        OnCall = new(await App.CreateUserAsync("oncall", Password, Roles.OnCall), "oncall", [Roles.OnCall]);
    }

    protected override ValueTask StopAsync() => App.DisposeAsync();
}
