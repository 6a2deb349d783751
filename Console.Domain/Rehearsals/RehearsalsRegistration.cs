using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Rehearsals;

public static class RehearsalsRegistration
{
    /// <summary>Load rehearsals: the saved profiles and the measured load run.</summary>
    public static IServiceCollection AddRehearsals(this IServiceCollection services)
    {
        services.AddSingleton<RehearsalProfiles>();
        services.AddSingleton<RehearsalLoad>();
        return services;
    }
}
