using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console whose monitored target runs in a PostgreSQL cluster of its own: tests that change settings must not
/// share one with other test classes (or with the store). Drift detection runs every second here.
/// Users: admin, and two DBAs (dba1, dba2), an OnCall and a Viewer.
/// </summary>
public sealed class TargetFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "target", "changes")
{
    public const string WebhookSecret = "fixture-webhook-secret-of-at-least-32-characters";

    public ConsoleApp App { get; private set; } = null!;
    public Actor Dba1 { get; private set; } = null!;
    public Actor Dba2 { get; private set; } = null!;
    public Actor OnCall { get; private set; } = null!;
    public Actor Viewer { get; private set; } = null!;

    protected override async Task StartAsync()
    {
        App = new ConsoleApp(StoreConnectionString, new Dictionary<string, string?> { ["Drift:Interval"] = "00:00:01", ["Drift:MaxBackoff"] = "00:00:02",
            ["Locks:MaxBackoff"] = "00:00:02",
            ["Rollbacks:WebhookSecret"] = WebhookSecret,
            // The webhook tests' receivers listen on loopback: allowed by its exact address, as an operator would list an internal host.
            ["Rollbacks:WebhookAllowedHosts:0"] = "127.0.0.1" });
        TargetId = await App.Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Production, TargetConnectionString);
        Dba1 = await UserAsync("dba1", Roles.Dba);
        Dba2 = await UserAsync("dba2", Roles.Dba);
        OnCall = await UserAsync("oncall", Roles.OnCall);
        Viewer = await UserAsync("viewer", Roles.Viewer);
    }

    /// <summary>A setting change registered by dba1, approved by dba2 and applied: the usual start of a rollback test.</summary>
    public async Task<ConfigChange> AppliedSettingChangeAsync(string parameter, string value, string? title = null)
    {
        var registry = App.Service<ChangeRegistry>();
        var change = await registry.RegisterSettingAsync(Dba1, new SettingChangeRequest(TargetId, parameter, value,
            new ChangeDetails(title ?? $"Set {parameter} {Guid.NewGuid().ToString("N")[..8]}", "Optimize query performance", null, ChangeRisk.Medium, null),
            SubmitForReview: true));
        await registry.ApproveAsync(Dba2, change.Id, "");
        var applied = await App.Service<ChangeApplier>().ApplyAsync(Dba2, change.Id);
        Assert.True(applied.Succeeded, applied.Message);
        return change;
    }

    /// <summary>SHOW on the target, in a new session (so it sees the last reload).</summary>
    public async Task<string> ShowAsync(string parameter) => (string)(await ScalarOnTargetAsync($"SHOW {parameter}"))!;

    private async Task<Actor> UserAsync(string name, string role) => new(await App.CreateUserAsync(name, Password, role), name, [role]);

    protected override ValueTask StopAsync() => App.DisposeAsync();
}
