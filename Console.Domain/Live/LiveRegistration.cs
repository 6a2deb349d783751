using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Live;

public static class LiveRegistration
{
    /// <summary>The in-process live bus, and its bridge to the other instances over the store's LISTEN/NOTIFY.</summary>
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddSingleton<LiveEvents>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresLiveBridge>(sp, sp.StoreConnectionString()));
        services.AddHostedService(sp => sp.GetRequiredService<PostgresLiveBridge>());
        return services;
    }
}
