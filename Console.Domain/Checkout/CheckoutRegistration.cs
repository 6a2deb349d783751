using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Checkout;

public static class CheckoutRegistration
{
    /// <summary>Checkout events: the ingest, the per-minute buckets and the live figures the Health page shows.</summary>
    public static IServiceCollection AddCheckout(this IServiceCollection services)
    {
        services.AddValidatedOptions<CheckoutOptions>(CheckoutOptions.Section);
        services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestOptions>, IngestAgainstRetentionValidator>());
        services.AddSingleton(sp => new IngestConnections(sp.StoreConnectionString()));
        services.AddSingleton<CheckoutLive>();
        services.AddSingleton<CheckoutIngest>();
        services.AddSingleton<ICheckoutEventSink>(sp => sp.GetRequiredService<CheckoutIngest>());
        services.AddSingleton<CheckoutRollup>();
        services.AddSingleton<CheckoutHealth>();
        services.AddHostedService(sp => sp.GetRequiredService<CheckoutLive>());
        services.AddHostedService(sp => sp.GetRequiredService<CheckoutRollup>());
        return services;
    }
}
