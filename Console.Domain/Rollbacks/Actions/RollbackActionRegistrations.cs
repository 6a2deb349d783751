using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Rollbacks.Actions;

/// <summary>The rollback action of every change kind, with its timeouts (section <c>Rollbacks:&lt;Kind&gt;</c>). A new kind is one line here.</summary>
public static class RollbackActionRegistrations
{
    public static IServiceCollection AddRollbackActions(this IServiceCollection services)
    {
        services.AddValidatedOptions<SettingRollbackOptions>(SettingRollbackOptions.Section);
        services.AddValidatedOptions<SqlRollbackOptions>(SqlRollbackOptions.Section);

        // Which action rolls back a change is asked of each (Handles), in this order.
        services.AddSingleton<IRollbackAction, SettingRollback>();
        services.AddSingleton<IRollbackAction, SqlRollback>();
        services.AddSingleton<IRollbackAction, WebhookRollback>();
        services.AddSingleton<IRollbackAction, ChecklistRollback>();
        return services;
    }
}
