using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Rehearsals.Staging;

public static class StagingRegistration
{
    /// <summary>Staging safety: the guard that keeps rehearsals off production, settings snapshots and their exact restore, and the revert plans.</summary>
    public static IServiceCollection AddStaging(this IServiceCollection services)
    {
        services.AddSingleton<StagingConnections>();
        services.AddSingleton<ClusterIdentity>();
        services.AddSingleton<StagingGuard>();
        services.AddSingleton<SettingsRestorer>();
        services.AddSingleton<StagingReverts>();
        services.AddHostedService<StagingRevertOnStart>();
        return services;
    }
}
