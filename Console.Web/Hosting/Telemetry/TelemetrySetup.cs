using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OpsConsole.Domain;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Web.Hosting.Telemetry;

/// <summary>
/// The console's own telemetry leaves the process by OpenTelemetry .NET, in either or both of two ways:
/// <list type="bullet">
/// <item>a Prometheus scrape endpoint (<c>Telemetry:Metrics:Enabled</c>, default off), with the domain's meter
/// (<see cref="ConsoleMetrics"/>), ASP.NET Core's, Npgsql's and the runtime's;</item>
/// <item>OTLP, for metrics and traces (ASP.NET Core requests, Npgsql commands), when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the exporter reads the other <c>OTEL_*</c> variables itself.</item>
/// </list>
/// With neither, OpenTelemetry is not registered at all and the domain's instruments record into nothing.
/// </summary>
public static class TelemetrySetup
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string ServiceName = "opsconsole";

    public static WebApplicationBuilder AddOpsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MetricsOptions>(MetricsOptions.Section);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, CircuitMetrics>());

        var metrics = builder.Configuration.GetValidated<MetricsOptions>(MetricsOptions.Section);
        // Read through configuration, which holds the environment: a test or an appsettings file may set it too.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        if (!metrics.Enabled && !otlp)
            return builder;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service instead (the SDK reads it from the environment).
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(ServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString());
            })
            .WithMetrics(meters =>
            {
                meters.AddMeter(ConsoleMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (metrics.Enabled)
                    // No response cache: a scrape shows what is counted now (the exporter's default keeps a response for 300 ms).
                    meters.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                    meters.AddOtlpExporter();
            });
        if (otlp)
            telemetry.WithTracing(traces => traces
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path, metrics.Path))
                .AddNpgsql()
                .AddOtlpExporter());
        return builder;
    }

    /// <summary>
    /// Maps the scrape endpoint when metrics are enabled. It is served without authentication, as /healthz is: Prometheus
    /// scrapes without a session, and the figures name no person and hold no secret (target names are the only free text).
    /// Where even that is too much, keep the path off the public listener at the reverse proxy (README "Telemetry").
    /// </summary>
    public static WebApplication MapOpsMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (options.Enabled)
            app.MapPrometheusScrapingEndpoint(options.Path);
        return app;
    }

    // Scrapes and health probes arrive every few seconds: traces of them would drown the requests people made.
    private static bool IsProbe(PathString path, string metricsPath) =>
        path.StartsWithSegments(metricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
