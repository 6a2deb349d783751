using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Domain.Incidents.Notifications;

public static class IncidentNotificationsRegistration
{
    /// <summary>Incident notices to the outside: the optional signed webhook, fed by a queue so that no incident waits on it.</summary>
    public static IServiceCollection AddIncidentNotifications(this IServiceCollection services)
    {
        services.AddValidatedOptions<IncidentWebhookOptions>(IncidentWebhookOptions.Section);
        services.AddTransient<IncidentWebhookSigning>();
        // As for rollback webhooks (decisions/0013): no proxy, no redirects, the address checked as the socket connects.
        services.AddHttpClient(IncidentWebhook.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = new WebhookHosts(sp.GetRequiredService<IOptions<IncidentWebhookOptions>>().Value.AllowedHosts).ConnectAsync,
            })
            .AddResilienceHandler("incident-webhook", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<IncidentWebhookOptions>>().Value;
                var logger = context.ServiceProvider.GetRequiredService<ILogger<IncidentWebhook>>();
                if (options.Attempts > 1)
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.Attempts - 1,
                        Delay = options.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        // A receiver asking for an hour's pause would hold up every notice behind this one.
                        ShouldRetryAfterHeader = false,
                        ShouldHandle = args => ValueTask.FromResult(IsWorthRetrying(args.Outcome)),
                        OnRetry = args =>
                        {
                            logger.LogWarning("Retrying the incident webhook (try {Attempt} of {Attempts}) after {Failure}", args.AttemptNumber + 2,
                                options.Attempts, args.Outcome.Result is { } response ? $"HTTP {(int)response.StatusCode}" : args.Outcome.Exception?.GetType().Name);
                            return ValueTask.CompletedTask;
                        },
                    });
                // Inside the retry: each try has its own time limit.
                pipeline.AddTimeout(options.Timeout);
            });
        services.AddHttpClient(IncidentWebhook.ClientName).AddHttpMessageHandler<IncidentWebhookSigning>();
        services.AddSingleton<IncidentWebhook>();
        services.AddSingleton<IncidentNotifications>();
        services.AddHostedService<IncidentNotificationSender>();
        return services;
    }

    /// <summary>5xx, no answer and timeouts may pass; a 4xx (the receiver refuses this notice) and a refused address will not.</summary>
    internal static bool IsWorthRetrying(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => (int)response.StatusCode >= 500,
        { Exception: TimeoutRejectedException } => true,
        { Exception: HttpRequestException e } => !WebhookHosts.IsRefusal(e),
        _ => false,
    };
}
