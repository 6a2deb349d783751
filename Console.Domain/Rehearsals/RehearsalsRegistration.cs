using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Rehearsals.Staging;

namespace OpsConsole.Domain.Rehearsals;

public static class RehearsalsRegistration
{
    /// <summary>Load rehearsals of pending changes on staging clusters.</summary>
    public static IServiceCollection AddRehearsals(this IServiceCollection services)
    {
        services.AddStaging();
        return services;
    }
}
