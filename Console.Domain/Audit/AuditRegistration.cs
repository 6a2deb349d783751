using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Audit;

public static class AuditRegistration
{
    /// <summary>The audit trail: writing, reading and exporting it, its hash chain, and the signed checkpoints of its head.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddValidatedOptions<AuditOptions>(AuditOptions.Section);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditIntents>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditChain>();
        services.AddSingleton<AuditExports>();
        services.AddSingleton<AuditCheckpointSigner>();
        services.AddSingleton<AuditCheckpointWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditCheckpointWriter>());
        return services;
    }
}
