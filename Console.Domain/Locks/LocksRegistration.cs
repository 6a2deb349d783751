using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Locks;

public static class LocksRegistration
{
    /// <summary>Lock waits on every target: the sampler, the live monitor, the history, and cancelling or terminating sessions.</summary>
    public static IServiceCollection AddLocks(this IServiceCollection services)
    {
        services.AddValidatedOptions<LockOptions>(LockOptions.Section);
        services.AddSingleton<LockMonitor>();
        services.AddSingleton<LockHistory>();
        services.AddSingleton<RemoteLockSamples>();
        services.AddSingleton<LockSampler>();
        services.AddSingleton<SessionActions>();
        services.AddHostedService(sp => sp.GetRequiredService<LockSampler>());
        return services;
    }
}
