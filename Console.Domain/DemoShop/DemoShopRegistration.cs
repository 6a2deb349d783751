using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OpsConsole.Domain.DemoShop;

public static class DemoShopRegistration
{
    /// <summary>The demo shop's checkout traffic and its controls. Register it after the store, whose initializer registers the shop's target.</summary>
    public static IServiceCollection AddDemoShop(this IServiceCollection services)
    {
        services.AddValidatedOptions<DemoShopOptions>(DemoShopOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DemoShopOptions>, FormerSectionValidator>());
        services.AddSingleton<DemoShopCounters>();
        services.AddSingleton<DemoShopControl>();
        services.AddHostedService<DemoShopTraffic>();
        return services;
    }
}

/// <summary>The section was <c>Shop:Workload</c> until the demo shop got one name; settings left there would be ignored without a word.</summary>
internal sealed class FormerSectionValidator(IConfiguration configuration) : IValidateOptions<DemoShopOptions>
{
    public const string FormerSection = "Shop:Workload";

    public ValidateOptionsResult Validate(string? name, DemoShopOptions options) =>
        configuration.GetSection(FormerSection).Exists()
            ? ValidateOptionsResult.Fail($"{FormerSection} is no longer read: move its settings to {DemoShopOptions.Section} (e.g. {DemoShopOptions.Section}:RatePerSecond).")
            : ValidateOptionsResult.Success;
}
