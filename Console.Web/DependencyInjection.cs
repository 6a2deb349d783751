using MudBlazor.Services;
using OpsConsole.Web.Api;
using OpsConsole.Web.Components;
using OpsConsole.Web.Components.Layout;
using OpsConsole.Web.Hosting;
using OpsConsole.Web.Hosting.Auth;
using OpsConsole.Web.Hosting.Embedded;
using OpsConsole.Web.Hosting.Telemetry;
using OpsConsole.Web.Hubs;
using OpsConsole.Web.Refusals;

namespace OpsConsole.Web;

public static class DependencyInjection
{
    public static WebApplicationBuilder AddOpsWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<ViewerClock>();
        builder.Services.AddSingleton<ThemeStylesheet>();
        builder.Services.AddSingleton<OpsConsole.Web.Components.Pages.Health.HealthWindowReads>();
        builder.Services.AddOpsAuth(builder.Configuration, builder.Environment);
        builder.Services.AddOpsHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddApiKeyAuthentication();
        builder.Services.AddSignalR();
        builder.Services.AddOpsHubAuth();
        builder.Services.AddHostedService<OpsHubForwarder>();
        builder.Services.AddOpenApi();
        builder.AddThrowawayStaging();
        builder.AddOpsTelemetry();
        return builder;
    }

    public static WebApplication UseOpsWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseOpsRequestLogging();
        app.UseOpsAssets();
        app.UseAuthentication();
        app.UsePasswordChangeRequirement();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapThemeStylesheet();
        // Every endpoint answers the domain's refusals the same way: one filter, no mapping in the handlers.
        var endpoints = app.MapGroup("").AddEndpointFilter<RefusalProblemFilter>();
        endpoints.MapAccountEndpoints();
        endpoints.MapChangeEndpoints();
        endpoints.MapChangeLifecycleEndpoints();
        endpoints.MapRollbackEndpoints();
        endpoints.MapRehearsalEndpoints();
        endpoints.MapAlertEndpoints();
        endpoints.MapIncidentEndpoints();
        endpoints.MapCheckoutEndpoints();
        endpoints.MapAuditEndpoints();
        endpoints.MapPostmortemEndpoints();
        endpoints.MapOpsHealthEndpoints();
        app.MapOpsMetrics();
        app.MapHub<OpsHub>(OpsHub.Path);
        app.MapOpenApi();
        return app;
    }
}
