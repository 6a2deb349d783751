using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsConsole.Domain;
using OpsConsole.Tests.Support;
using OpsConsole.Web;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// A bad setting stops the console as it starts, before any background work, with a message that names the setting.
/// The console is composed as Program.cs composes it; no database is needed because none is reached.
/// </summary>
public sealed class OptionsAtStartTests
{
    // Nothing listens there: a start that got past validation would fail on the store instead, with another exception.
    private const string UnreachableStore = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2";

    /// <summary>The setting the message must name, and the settings (key=value, separated by |) that break it.</summary>
    public static TheoryData<string, string> BadSettings() => new()
    {
        { "Drift:Interval", "Drift:Interval=00:00:00" },
        { "Drift:MaxBackoff", "Drift:MaxBackoff=-00:00:01" },
        { "Locks:SampleInterval", "Locks:SampleInterval=00:00:00" },
        { "Locks:StatementTimeout", "Locks:StatementTimeout=-00:00:02" },
        { "Locks:SnapshotRetention", "Locks:SnapshotRetention=00:00:00" },
        { "Instances:HeartbeatInterval", "Instances:HeartbeatInterval=00:00:00" },
        { "Instances:LockRetryInterval", "Instances:LockRetryInterval=-00:00:01" },
        { "Audit:CheckpointInterval", "Audit:CheckpointInterval=00:00:00" },
        { "Audit:CheckpointKey", "Audit:CheckpointKey=too-short" },
        { "Checkout:RollupInterval", "Checkout:RollupInterval=00:00:00" },
        { "Checkout:PruneInterval", "Checkout:PruneInterval=-01:00:00" },
        { "Ingest:RetryAfter", "Ingest:RetryAfter=00:00:00" },
        { "Ingest:MaxConcurrentBatches", "Ingest:MaxConcurrentBatches=0" },
        { "Ingest:GroupWriters", "Ingest:GroupWriters=0" },
        { "Ingest:MaxEventAge", "Ingest:MaxEventAge=30.00:00:00" },
        { "Alerts:EvaluationInterval", "Alerts:EvaluationInterval=00:00:00" },
        { "Alerts:Rules:0:ClearThreshold", "Alerts:Rules:0:Kind=CheckoutFailureRate|Alerts:Rules:0:Name=Failures|Alerts:Rules:0:Threshold=0.05|Alerts:Rules:0:ClearThreshold=0.5|Alerts:Rules:0:Window=00:05:00" },
        { "DemoShop:PeakEvery", "DemoShop:PeakEvery=00:00:00" },
        { "DemoShop:Target", "DemoShop:Target= " },
        { "Shop:Workload", "Shop:Workload:RatePerSecond=10" },
        { "Authentication:SignInWindow", "Authentication:SignInWindow=00:00:00" },
        { "Authentication:SignInPermitLimit", "Authentication:SignInPermitLimit=0" },
        { "Bootstrap:AdminPassword", "Bootstrap:AdminPassword=short" },
        { "Rollbacks:WebhookSecret", "Rollbacks:WebhookAllowedHosts:0=deploy.example.com|Rollbacks:WebhookSecret=" },
        { "Rollbacks:WebhookAttempts", "Rollbacks:WebhookAttempts=0" },
        { "Api:Keys:0:Key", "Api:Keys:0:Name=pipeline|Api:Keys:0:Key=|Api:Keys:0:Scopes:0=read" },
        { "Authentication:Oidc:ClientSecret", "Authentication:Oidc:Authority=https://login.example.com|Authentication:Oidc:ClientId=ops" },
        { "Authentication:Oidc:ClientId", "Authentication:Oidc:Authority=https://login.example.com|Authentication:Oidc:ClientSecret=s3cret" },
        { "Authentication:Oidc:Authority", "Authentication:Oidc:Authority=http://login.example.com|Authentication:Oidc:ClientId=ops|Authentication:Oidc:ClientSecret=s3cret" },
        { "Authentication:Oidc:RoleMap:dba-team", "Authentication:Oidc:Authority=https://login.example.com|Authentication:Oidc:ClientId=ops|Authentication:Oidc:ClientSecret=s3cret|Authentication:Oidc:RoleMap:dba-team=Superuser" },
        { "DataProtection:CertificatePath", "DataProtection:CertificatePassword=from-the-secret-store" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task ABadSetting_StopsTheStart_NamingTheSetting(string setting, string settings)
    {
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var app = Compose(Parse(settings));
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        // Several failed options classes come as one AggregateException (Ingest's rule reads Checkout, so it fails with it).
        Assert.NotNull(failure);
        var failures = failure is AggregateException several ? several.InnerExceptions : [failure];
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.IsType<OptionsValidationException>(f));
        Assert.Contains(failures, f => f.Message.Contains(setting, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AValueOfTheWrongType_StopsTheStart_NamingTheSetting()
    {
        // Binding fails before any rule runs; validating at start is what makes it fail now rather than at first use.
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var app = Compose(new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "sometimes" });
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        Assert.Contains("Database:MigrateOnStartup", failure.Message);
    }

    [Fact]
    public void TheDefaults_PassValidation()
    {
        using var app = Compose(new Dictionary<string, string?>());

        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void TheExampleSettings_PassValidation()
    {
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "appsettings.Example.json")).Build()
            .AsEnumerable().Where(pair => pair.Value is not null).ToDictionary();
        // The example names a certificate on the operator's server, which is read (and so must exist) as the console starts.
        example.Remove("DataProtection:CertificatePath");
        example.Remove("DataProtection:CertificatePassword");
        using var app = Compose(example);

        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void ABadEmbeddedPort_StopsTheStart_BeforeAnyClusterStarts()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Console"] = "",
            ["Embedded:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}"),
            ["Embedded:Port"] = "70000",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => builder.AddEmbeddedStoreWhenUnconfigured());

        Assert.Contains("Embedded:Port", failure.Message);
        Assert.False(Directory.Exists(builder.Configuration["Embedded:DataDirectory"]));
    }

    private static WebApplication Compose(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Console"] = UnreachableStore,
            ["Urls"] = "http://127.0.0.1:0",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOpsDomain();
        builder.AddOpsWeb();
        return builder.Build();
    }

    private static Dictionary<string, string?> Parse(string settings) =>
        settings.Split('|').Select(pair => pair.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]);
}
