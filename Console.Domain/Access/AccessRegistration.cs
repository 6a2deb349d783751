using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Access;

public static class AccessRegistration
{
    /// <summary>The guard every mutation asks (against <see cref="PermissionTable"/>), which audits its refusals.</summary>
    public static IServiceCollection AddAccess(this IServiceCollection services) => services.AddSingleton<AccessGuard>();
}
