using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpsConsole.Domain.Rehearsals.Staging;

public static class StagingRegistration
{
    /// <summary>Staging safety: the guard that keeps rehearsals off production, settings snapshots and their exact restore, the revert plans, and throwaway staging clusters.</summary>
    public static IServiceCollection AddStaging(this IServiceCollection services)
    {
        services.AddSingleton<StagingConnections>();
        services.AddSingleton<ClusterIdentity>();
        services.AddSingleton<StagingGuard>();
        services.AddSingleton<SettingsRestorer>();
        services.AddSingleton<StagingReverts>();
        services.AddHostedService<StagingRevertOnStart>();
        services.AddSingleton<ThrowawayStagingTargets>();
        // The web host replaces it with clusters of its own (Hosting/Embedded/ThrowawayStagingClusters).
        services.TryAddSingleton<IThrowawayStaging, NoThrowawayStaging>();
        return services;
    }
}
