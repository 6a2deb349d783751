using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.ApiKeys;

public static class ApiKeysRegistration
{
    /// <summary>API keys made on the admin page and those provisioned from configuration (<c>Api:Keys</c>).</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddValidatedOptions<ApiOptions>(ApiOptions.Section);
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<PersonalTokens>();
        return services;
    }
}
