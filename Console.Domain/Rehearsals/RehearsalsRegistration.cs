using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Rehearsals.Workloads;

namespace OpsConsole.Domain.Rehearsals;

public static class RehearsalsRegistration
{
    /// <summary>Load rehearsals of pending changes on staging clusters: profiles, the measured load run (the demo shop's checkout or the profile's SQL scripts by pgbench), staging safety and revert.</summary>
    public static IServiceCollection AddRehearsals(this IServiceCollection services)
    {
        services.AddStaging();
        services.AddSingleton<RehearsalProfiles>();
        services.AddSingleton<RehearsalLoad>();
        services.AddSingleton<PgbenchLoad>();
        services.AddSingleton<RehearsalWorkloads>();
        services.AddSingleton<RehearsalRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<RehearsalRunner>());
        services.AddSingleton<RehearsalService>();
        services.AddSingleton<RehearsalRecovery>();
        return services;
    }
}
