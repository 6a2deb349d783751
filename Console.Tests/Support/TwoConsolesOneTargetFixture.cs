using OpsConsole.Domain.Access;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>
/// Two console instances, A and B, on one store, monitoring one target in a cluster of its own (its settings change):
/// drift every second, heartbeats every half second, an instance silent for 5 s counts as stopped.
/// </summary>
public sealed class TwoConsolesOneTargetFixture(PostgresClusterFixture postgres)
    : ConsoleWithTargetFixture(postgres, "two-consoles-target", "two_consoles")
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Drift:Interval"] = "00:00:01", ["Drift:MaxBackoff"] = "00:00:02", ["Locks:MaxBackoff"] = "00:00:02",
        ["Instances:HeartbeatInterval"] = "00:00:00.500", ["Instances:StaleAfter"] = "00:00:05",
    };

    public ConsoleApp A { get; private set; } = null!;
    public ConsoleApp B { get; private set; } = null!;
    public Actor Dba1 { get; private set; } = null!;
    public Actor Dba2 { get; private set; } = null!;
    public Actor OnCall { get; private set; } = null!;

    protected override async Task StartAsync()
    {
        A = StartAnother();
        _ = A.BaseUrl;
        TargetId = await A.Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Production, TargetConnectionString);
        Dba1 = new(await A.CreateUserAsync("dba1", Password, Roles.Dba), "dba1", [Roles.Dba]);
        Dba2 = new(await A.CreateUserAsync("dba2", Password, Roles.Dba), "dba2", [Roles.Dba]);
        OnCall = new(await A.CreateUserAsync("oncall", Password, Roles.OnCall), "oncall", [Roles.OnCall]);
        B = StartAnother();
        _ = B.BaseUrl;
        await Poll.UntilAsync(() => Task.FromResult(A.Service<PostgresLiveBridge>().Listening && B.Service<PostgresLiveBridge>().Listening),
            listening => listening, TimeSpan.FromSeconds(20), "both live bridges listening");
    }

    /// <summary>A further console instance on the same store (not started until its server is first used).</summary>
    public ConsoleApp StartAnother() => new(StoreConnectionString, Settings);

    protected override async ValueTask StopAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
