using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Changes;

public static class ChangesRegistration
{
    /// <summary>Configuration changes: the setting catalog, registering and reviewing changes, applying them, and drift detection.</summary>
    public static IServiceCollection AddChanges(this IServiceCollection services)
    {
        services.AddValidatedOptions<DriftOptions>(DriftOptions.Section);
        services.AddValidatedOptions<ReviewPolicyOptions>(ReviewPolicyOptions.Section);
        services.AddSingleton<SettingCatalog>();
        services.AddSingleton<ChangeRegistry>();
        services.AddSingleton<ChangeMarks>();
        services.AddSingleton<SettingWriter>();
        services.AddSingleton<ChangeApplier>();
        services.AddSingleton<DriftDetector>();
        services.AddHostedService(sp => sp.GetRequiredService<DriftDetector>());
        return services;
    }
}
