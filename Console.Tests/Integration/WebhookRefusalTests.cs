using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Rollback webhooks cannot be turned against the console's own network. Here any host may be registered ("*") and only
/// <c>localhost</c> is listed by name, so what stops the calls below is the connect-time address check and the refusal to
/// follow redirects, not the registration check.
/// </summary>
public sealed class WebhookRefusalTests(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private const string Secret = "webhook-refusal-tests-secret-0123456789";
    private ConsoleApp app = null!;
    private string store = "";
    private Guid targetId;
    private Actor dba1 = null!, dba2 = null!, onCall = null!;

    public async ValueTask InitializeAsync()
    {
        store = await postgres.CreateStoreAsync("webhooks");
        app = new ConsoleApp(store, new Dictionary<string, string?>
        {
            ["Rollbacks:WebhookAllowedHosts:0"] = "*",
            ["Rollbacks:WebhookAllowedHosts:1"] = "localhost",
            ["Rollbacks:WebhookSecret"] = Secret,
            ["Locks:Enabled"] = "false",
        });
        targetId = await app.Service<TargetRegistry>().RegisterAsync(Actor.System, "hooks", TargetEnvironment.Staging,
            await postgres.CreateTargetDatabaseAsync("hooks_target"));
        dba1 = new(await app.CreateUserAsync("dba1", TargetFixture.Password, Roles.Dba), "dba1", [Roles.Dba]);
        dba2 = new(await app.CreateUserAsync("dba2", TargetFixture.Password, Roles.Dba), "dba2", [Roles.Dba]);
        onCall = new(await app.CreateUserAsync("oncall", TargetFixture.Password, Roles.OnCall), "oncall", [Roles.OnCall]);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task AWebhookToLoopback_AllowedOnlyByAWildcard_IsRefusedAtConnect_AndNothingIsSent()
    {
        using var receiver = new WebhookReceiver();

        var (change, outcome) = await RollBackAsync(receiver.Url);

        AssertRefusedAddress(outcome);
        Assert.Empty(receiver.Calls);
        await AssertAuditedGenericallyAsync(change, "address is not allowed");
    }

    [Fact]
    public async Task AWebhookToTheCloudMetadataAddress_IsRefusedAtConnect()
    {
        var (_, outcome) = await RollBackAsync("http://169.254.169.254/latest/meta-data/iam/security-credentials/");

        AssertRefusedAddress(outcome);
    }

    [Fact]
    public async Task AWebhookThatRedirects_IsNotFollowed_AndTheRedirectTargetReceivesNothing()
    {
        using var target = new WebhookReceiver(host: "localhost");
        using var redirecting = new WebhookReceiver(host: "localhost", redirectTo: target.Url);

        var (_, outcome) = await RollBackAsync(redirecting.Url);

        Assert.False(outcome.Succeeded);
        Assert.Equal("The webhook did not accept the rollback: HTTP 307 (3 tries).", outcome.Message);
        Assert.Equal(3, redirecting.Calls.Count);
        Assert.Empty(target.Calls);
    }

    [Fact]
    public async Task ALoopbackHostListedByName_IsCalled()
    {
        using var receiver = new WebhookReceiver(host: "localhost");

        var (_, outcome) = await RollBackAsync(receiver.Url);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Single(receiver.Calls);
    }

    [Fact]
    public async Task TheConsole_RefusesToStart_WithWebhooksOnAndAShortSecret()
    {
        // The domain's own registrations, started as the console starts them: options are validated before any service runs.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Console"] = store,
            ["Rollbacks:WebhookAllowedHosts:0"] = "deploy.example.com",
            ["Rollbacks:WebhookSecret"] = "too-short",
        });
        builder.AddOpsDomain();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Rollbacks:WebhookSecret must be at least 32 characters", failure.Message);
    }

    private static void AssertRefusedAddress(RollbackOutcome outcome)
    {
        Assert.False(outcome.Succeeded);
        // Refused once, not retried: another try would meet the same rule.
        Assert.Equal("The webhook's address is not allowed.", outcome.Message);
    }

    private async Task AssertAuditedGenericallyAsync(ConfigChange change, string expected)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        var details = await db.AuditEntries.Where(e => e.Subject == $"change:{change.Number}" && e.Action == "rollback.execute")
            .Select(e => e.Details).SingleAsync();
        Assert.Contains(expected, details);
        Assert.DoesNotContain("127.0.0.1", details);
    }

    private async Task<(ConfigChange, RollbackOutcome)> RollBackAsync(string webhookUrl)
    {
        var registry = app.Service<ChangeRegistry>();
        var change = await registry.RegisterExternalAsync(dba1, new ExternalChangeRequest(targetId, "Feature flag on", "Turn the flag off", webhookUrl,
            new ChangeDetails("Flag on", "Launch", null, ChangeRisk.Low, null), SubmitForReview: true));
        await registry.ApproveAsync(dba2, change.Id, "");
        await registry.MarkAppliedOutsideAsync(dba2, change.Id, DateTimeOffset.UtcNow.AddMinutes(-1));
        return (change, await app.Service<RollbackProcedure>().RunAsync(onCall, new RollbackRequest(change.Id, "Flag breaks checkout")));
    }
}
