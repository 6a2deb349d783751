using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Api;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Rollbacks.Actions;
using OpsConsole.Domain.Shop;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Users;

namespace OpsConsole.Domain;

public static class DependencyInjection
{
    /// <summary>The console store, identity stores and the domain services.</summary>
    public static IHostApplicationBuilder AddOpsDomain(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);

        // A factory, not a scoped context: Blazor circuits live for a whole session. Identity's stores
        // still get a scoped context, which AddDbContextFactory registers as well.
        services.AddDbContextFactory<OpsDbContext>((sp, options) =>
            options.UseConsoleStore(sp.GetRequiredService<IConfiguration>().GetConnectionString(StoreSetup.ConnectionStringName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{StoreSetup.ConnectionStringName} is not set.")));

        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section);
        services.AddSingleton<StoreMigrations>();
        // Before Data Protection, whose own hosted service reads the key ring from the store at start: the store
        // must be migrated by then, or a first start logs errors for a table that is about to exist.
        services.AddHostedService<StoreInitializer>();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section);
        services.AddOptions<DriftOptions>().BindConfiguration(DriftOptions.Section)
            .Validate(o => o.Interval >= TimeSpan.FromMilliseconds(100), "Drift:Interval must be at least 100 ms.").ValidateOnStart();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddDataProtection().SetApplicationName("OpsConsole").PersistKeysToDbContext<OpsDbContext>()
            .ProtectKeysWithConfiguredCertificate(builder.Configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new());

        services.AddIdentityCore<OpsUser>(options =>
            {
                options.Password.RequiredLength = 10;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                options.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddClaimsPrincipalFactory<OpsClaimsPrincipalFactory>()
            .AddEntityFrameworkStores<OpsDbContext>();

        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditIntents>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditChain>();
        services.AddSingleton<AuditExports>();
        AddAuditCheckpoints(services);
        services.AddSingleton<AccessGuard>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AdminBootstrap>();
        services.AddSingleton<FirstPasswordNotice>();
        services.AddSingleton<PasswordChanges>();
        services.AddSingleton<ExternalAccounts>();
        services.AddSingleton<LiveEvents>();
        services.AddSingleton<TargetConnections>();
        services.AddSingleton<StoreCluster>();
        services.AddSingleton<TargetRegistry>();
        services.AddSingleton<SettingCatalog>();
        services.AddSingleton<ChangeRegistry>();
        services.AddSingleton<ChangeMarks>();
        services.AddSingleton<SettingWriter>();
        services.AddSingleton<TargetScripts>();
        services.AddSingleton<ChangeApplier>();
        services.AddSingleton<DriftDetector>();
        services.AddSingleton<ApiKeyService>();
        services.AddOptions<RollbackOptions>().BindConfiguration(RollbackOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RollbackOptions>, RollbackOptionsValidator>();
        services.AddSingleton<WebhookDestinations>();
        // No proxy (the connect-time address check must see the real destination), no redirects (a 3xx is a failure).
        services.AddHttpClient(nameof(RollbackWebhook), (sp, client) =>
                client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<RollbackOptions>>().Value.WebhookTimeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new System.Net.Http.SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<WebhookDestinations>().ConnectAsync,
            });
        services.AddSingleton<RollbackWebhook>();
        services.AddRollbackActions();
        services.AddSingleton<RollbackProcedure>();
        services.AddSingleton<RollbackRecovery>();
        AddInstances(services);

        services.AddOptions<LockOptions>().BindConfiguration(LockOptions.Section)
            .Validate(o => o.SampleInterval >= TimeSpan.FromMilliseconds(100), "Locks:SampleInterval must be at least 100 ms.")
            .Validate(o => o.StatementTimeout >= TimeSpan.FromMilliseconds(100), "Locks:StatementTimeout must be at least 100 ms.")
            .Validate(o => o.MaxBackoff >= o.SampleInterval, "Locks:MaxBackoff must be at least Locks:SampleInterval.")
            .Validate(o => o.MaxSessions >= 10, "Locks:MaxSessions must be at least 10.")
            .Validate(o => o.SnapshotRetention > TimeSpan.Zero && o.AggregateRetention > TimeSpan.Zero, "Lock history retention must be positive.")
            .ValidateOnStart();
        services.AddSingleton<LockMonitor>();
        services.AddSingleton<LockHistory>();
        services.AddSingleton<RemoteLockSamples>();
        services.AddSingleton<LockSampler>();
        services.AddSingleton<SessionActions>();
        AddCheckout(services);

        services.AddHostedService(sp => sp.GetRequiredService<InstanceHeartbeat>());
        services.AddHostedService(sp => sp.GetRequiredService<DriftDetector>());
        services.AddHostedService(sp => sp.GetRequiredService<LockSampler>());
        services.AddHostedService(sp => sp.GetRequiredService<AuditCheckpointWriter>());
        services.AddShopWorkload();
        return builder;
    }

    /// <summary>This instance among the others on the store: its id and heartbeat, and the store locks that run background work once.</summary>
    private static void AddInstances(IServiceCollection services)
    {
        services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.Section)
            .Validate(o => o.LockRetryInterval >= TimeSpan.FromMilliseconds(100), "Instances:LockRetryInterval must be at least 100 ms.")
            .Validate(o => o.HeartbeatInterval >= TimeSpan.FromMilliseconds(100), "Instances:HeartbeatInterval must be at least 100 ms.")
            .Validate(o => o.StaleAfter >= 3 * o.HeartbeatInterval, "Instances:StaleAfter must be at least three heartbeat intervals.")
            .ValidateOnStart();
        services.AddSingleton<ConsoleInstance>();
        services.AddSingleton<InstanceHeartbeat>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<StoreLocks>(sp,
            sp.GetRequiredService<IConfiguration>().GetConnectionString(StoreSetup.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{StoreSetup.ConnectionStringName} is not set.")));
    }

    private static void AddAuditCheckpoints(IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.CheckpointInterval >= TimeSpan.FromSeconds(1), "Audit:CheckpointInterval must be at least 1 second.")
            .Validate(o => string.IsNullOrEmpty(o.CheckpointKey) || o.CheckpointKey.Length >= AuditOptions.MinKeyLength,
                $"Audit:CheckpointKey must be at least {AuditOptions.MinKeyLength} characters (or unset, which turns checkpoints off).")
            .ValidateOnStart();
        services.AddSingleton<AuditCheckpointSigner>();
        services.AddSingleton<AuditCheckpointWriter>();
    }

    /// <summary>The demo shop's traffic. Registered after StoreInitializer, which registers the shop target first.</summary>
    private static void AddShopWorkload(this IServiceCollection services)
    {
        services.AddOptions<ShopWorkloadOptions>().BindConfiguration(ShopWorkloadOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ShopWorkloadOptions>, ShopWorkloadOptionsValidator>();
        services.AddSingleton<ShopWorkloadCounters>();
        services.AddSingleton<ShopWorkloadControl>();
        services.AddHostedService<CheckoutWorkload>();
    }

    private static void AddCheckout(IServiceCollection services)
    {
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.Section)
            .Validate(o => o.RollupInterval >= TimeSpan.FromMilliseconds(100), "Checkout:RollupInterval must be at least 100 ms.")
            .Validate(o => o.AggregateRetention >= o.EventRetention, "Checkout:AggregateRetention must be at least Checkout:EventRetention.")
            .ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section)
            .Validate(o => o.MaxBatchBytes > 0 && o.MaxBatchEvents > 0 && o.MaxConcurrentBatches > 0,
                "Ingest:MaxBatchBytes, MaxBatchEvents and MaxConcurrentBatches must be positive.")
            .Validate(o => o.MaxLatencyMs > 0 && o.MaxLatencyMs <= IngestOptions.LatencyCeilingMs, "Ingest:MaxLatencyMs is at most 3600000 (one hour).")
            .Validate<Microsoft.Extensions.Options.IOptions<CheckoutOptions>>((o, checkout) => o.MaxEventAge < checkout.Value.EventRetention,
                "Ingest:MaxEventAge must be shorter than Checkout:EventRetention, or a resent old event would be stored twice.")
            .ValidateOnStart();
        services.AddSingleton(sp => new IngestConnections(sp.GetRequiredService<IConfiguration>().GetConnectionString(StoreSetup.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{StoreSetup.ConnectionStringName} is not set.")));
        services.AddSingleton<CheckoutLive>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresLiveBridge>(sp,
            sp.GetRequiredService<IConfiguration>().GetConnectionString(StoreSetup.ConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{StoreSetup.ConnectionStringName} is not set.")));
        services.AddSingleton<CheckoutIngest>();
        services.AddSingleton<ICheckoutEventSink>(sp => sp.GetRequiredService<CheckoutIngest>());
        services.AddSingleton<CheckoutRollup>();
        services.AddSingleton<CheckoutHealth>();
        services.AddHostedService(sp => sp.GetRequiredService<CheckoutLive>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresLiveBridge>());
        services.AddHostedService(sp => sp.GetRequiredService<CheckoutRollup>());
    }
}
