using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Targets;

public static class TargetsRegistration
{
    /// <summary>The monitored databases: their registry, connections to them, and the guard over the scripts run on them.</summary>
    public static IServiceCollection AddTargets(this IServiceCollection services)
    {
        services.AddSingleton<TargetConnections>();
        services.AddSingleton<StoreCluster>();
        services.AddSingleton<TargetRegistry>();
        services.AddSingleton<TargetScripts>();
        return services;
    }
}
