using OpsConsole.Domain.Access;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Users;

namespace OpsConsole.Tests.Support;

/// <summary>
/// The console as it runs in production, watching the demo shop on a production target of its own: checkout events go
/// through the real ingest path into the store, the built-in alert rules are evaluated every 10 s, the incident watcher
/// and the lock sampler run. Only the quiet period before Resolved is proposed is shorter than the default (30 s,
/// not 5 min), so that a replay does not wait five minutes for a proposal the test then follows.
/// </summary>
public sealed class OutageReplayFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "outage-replay", "outage_replay")
{
    public ConsoleApp App { get; private set; } = null!;
    public Actor Admin { get; private set; } = null!;
    public Actor Dba { get; private set; } = null!;
    /// <summary>A second DBA, to review what <see cref="Dba"/> registers.</summary>
    public Actor Reviewer { get; private set; } = null!;
    public Actor OnCall { get; private set; } = null!;

    public DemoShopControl Shop => App.Service<DemoShopControl>();

    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(30);

    protected override async Task StartAsync()
    {
        App = new ConsoleApp(StoreConnectionString, new Dictionary<string, string?>
        {
            // Stopped until the test has tuned it, so that the baseline is the test's.
            ["DemoShop:Enabled"] = "false",
            ["Incidents:QuietPeriod"] = QuietPeriod.ToString(),
        });
        TargetId = await App.Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Production, TargetConnectionString);
        Admin = await UserAsync("replay-admin", Roles.Admin);
        Dba = await UserAsync("replay-dba", Roles.Dba);
        Reviewer = await UserAsync("replay-reviewer", Roles.Dba);
        OnCall = await UserAsync("replay-oncall", Roles.OnCall);
    }

    private async Task<Actor> UserAsync(string name, string role) => new(await App.CreateUserAsync(name, Password, role), name, [role]);

    protected override async ValueTask StopAsync()
    {
        if (App.Service<DemoShopControl>().IsRunning)
            await App.Service<DemoShopControl>().StopAsync(Admin);
        await App.DisposeAsync();
    }
}
