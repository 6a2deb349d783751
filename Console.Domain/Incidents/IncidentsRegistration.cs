using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Domain.Incidents;

public static class IncidentsRegistration
{
    /// <summary>Incidents: opening them from alerts, their timelines, suspect changes and postmortems.</summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddSingleton<SuspectFinder>();
        services.AddSingleton<MonthlySummaryQuery>();
        services.AddSingleton<IncidentImpactQuery>();
        services.AddSingleton<PostmortemService>();
        return services;
    }
}
