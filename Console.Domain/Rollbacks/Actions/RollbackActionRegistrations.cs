using Microsoft.Extensions.DependencyInjection;

namespace OpsConsole.Domain.Rollbacks.Actions;

/// <summary>The rollback action of every change kind, with its timeouts (section <c>Rollbacks:&lt;Kind&gt;</c>). A new kind is one line here.</summary>
public static class RollbackActionRegistrations
{
    public static IServiceCollection AddRollbackActions(this IServiceCollection services)
    {
        services.AddOptions<SettingRollbackOptions>().BindConfiguration(SettingRollbackOptions.Section)
            .Validate(o => o.VerifyTimeout > TimeSpan.Zero, $"{SettingRollbackOptions.Section}:VerifyTimeout must be more than zero.")
            .ValidateOnStart();
        services.AddOptions<SqlRollbackOptions>().BindConfiguration(SqlRollbackOptions.Section)
            .Validate(o => o.LockTimeout >= TimeSpan.FromMilliseconds(1), $"{SqlRollbackOptions.Section}:LockTimeout must be at least 1 ms.")
            .Validate(o => o.StatementTimeout >= TimeSpan.FromMilliseconds(1), $"{SqlRollbackOptions.Section}:StatementTimeout must be at least 1 ms.")
            .ValidateOnStart();

        // Which action rolls back a change is asked of each (Handles), in this order.
        services.AddSingleton<IRollbackAction, SettingRollback>();
        services.AddSingleton<IRollbackAction, SqlRollback>();
        services.AddSingleton<IRollbackAction, WebhookRollback>();
        services.AddSingleton<IRollbackAction, ChecklistRollback>();
        return services;
    }
}
