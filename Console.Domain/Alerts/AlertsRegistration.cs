using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpsConsole.Domain.Alerts;

public static class AlertsRegistration
{
    /// <summary>Alerts: the rules, their evaluation, and where alerts go (<see cref="IAlertSink"/>).</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.TryAddSingleton<IAlertSink, UnhandledAlerts>();
        services.AddSingleton<AlertIntake>();
        return services;
    }
}
