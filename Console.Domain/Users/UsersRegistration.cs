using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Users;

public static class UsersRegistration
{
    /// <summary>Staff accounts on Identity's stores in the console store, the first admin, and password changes.</summary>
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddIdentityCore<OpsUser>(options =>
            {
                options.Password.RequiredLength = BootstrapOptions.MinPasswordLength;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                options.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddClaimsPrincipalFactory<OpsClaimsPrincipalFactory>()
            .AddEntityFrameworkStores<OpsDbContext>();
        services.AddValidatedOptions<BootstrapOptions>(BootstrapOptions.Section);
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AdminBootstrap>();
        services.AddSingleton<FirstPasswordNotice>();
        services.AddSingleton<PasswordChanges>();
        services.AddSingleton<AccountPreferences>();
        services.AddSingleton<ExternalAccounts>();
        return services;
    }
}
