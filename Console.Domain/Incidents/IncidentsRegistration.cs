using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Domain.Incidents;

public static class IncidentsRegistration
{
    /// <summary>
    /// Incidents: opening them from alerts (the real <see cref="IAlertSink"/>, registered before AddAlerts' stand-in), their
    /// timelines, suspect changes, and the watcher that writes lock and health events on open incidents.
    /// </summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddValidatedOptions<IncidentOptions>(IncidentOptions.Section);
        services.AddSingleton<SuspectFinder>();
        services.AddSingleton<MonthlySummaryQuery>();
        services.AddSingleton<IncidentImpactQuery>();
        services.AddSingleton<PostmortemService>();
        services.AddSingleton<IncidentPostmortemFacts>();
        services.AddSingleton<IncidentSuspects>();
        services.AddSingleton<IncidentService>();
        services.AddSingleton<IncidentQueries>();
        services.AddSingleton<IncidentAlertSink>();
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<IncidentAlertSink>());
        services.AddSingleton<IncidentWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<IncidentWatcher>());
        return services;
    }
}
