using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>The console's instruments. Always there: without a listener (metrics off) recording costs next to nothing.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<ConsoleMetrics>();
        return services;
    }
}
