using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Instances;

public static class InstancesRegistration
{
    /// <summary>This instance among the others on the store: its id and heartbeat, and the store locks that run background work once.</summary>
    public static IServiceCollection AddInstances(this IServiceCollection services)
    {
        services.AddValidatedOptions<InstanceOptions>(InstanceOptions.Section);
        services.AddSingleton<ConsoleInstance>();
        services.AddSingleton<InstanceHeartbeat>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<StoreLocks>(sp, sp.StoreConnectionString()));
        services.AddHostedService(sp => sp.GetRequiredService<InstanceHeartbeat>());
        return services;
    }
}
