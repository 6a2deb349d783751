using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Notifications;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Telemetry;
using OpsConsole.Domain.Users;

namespace OpsConsole.Domain;

public static class DependencyInjection
{
    /// <summary>
    /// The console store and the domain's features, each registered by its own folder with its options validated at start
    /// (<see cref="ValidatedOptions"/>). Hosted services start in this order and stop in reverse: the store first (migrated
    /// before anything reads it), this instance's heartbeat next, the demo shop last (its target is registered by the store's initializer).
    /// </summary>
    public static IHostApplicationBuilder AddOpsDomain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System)
            .AddTelemetry()
            .AddStore(builder.Configuration)
            .AddInstances()
            .AddUsers()
            .AddAccess()
            .AddAudit()
            .AddLive()
            .AddTargets()
            .AddApiKeys()
            .AddChanges()
            .AddRollbacks()
            .AddLocks()
            .AddCheckout()
            .AddIncidents()
            .AddIncidentNotifications()
            .AddAlerts()
            .AddDemoShop()
            .AddRehearsals();
        return builder;
    }
}
