using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Rollbacks.Actions;

namespace OpsConsole.Domain.Rollbacks;

public static class RollbacksRegistration
{
    /// <summary>Rolling changes back, one at a time per change, including the signed webhooks and the recovery of interrupted runs.</summary>
    public static IServiceCollection AddRollbacks(this IServiceCollection services)
    {
        services.AddValidatedOptions<RollbackOptions>(RollbackOptions.Section);
        services.AddSingleton<WebhookDestinations>();
        // No proxy (the connect-time address check must see the real destination), no redirects (a 3xx is a failure).
        services.AddHttpClient(nameof(RollbackWebhook), (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<RollbackOptions>>().Value.WebhookTimeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new System.Net.Http.SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<WebhookDestinations>().ConnectAsync,
            });
        services.AddSingleton<RollbackWebhook>();
        services.AddRollbackActions();
        services.AddSingleton<RollbackProcedure>();
        services.AddSingleton<RollbackStarter>();
        services.AddSingleton<RollbackRecovery>();
        return services;
    }
}
