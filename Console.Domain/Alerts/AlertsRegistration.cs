using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Domain.Alerts.Rules;

namespace OpsConsole.Domain.Alerts;

public static class AlertsRegistration
{
    /// <summary>Alerts: the rules, their evaluation, and where alerts go (<see cref="IAlertSink"/>).</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.TryAddSingleton<IAlertSink, UnhandledAlerts>();
        services.AddSingleton<AlertIntake>();
        services.AddValidatedOptions<AlertsOptions>(AlertsOptions.Section);
        services.AddSingleton<AlertRuleService>();
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return services;
    }
}
