using Microsoft.Extensions.Options;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Domain.Rollbacks.Actions;

/// <summary>A setting goes back to its earlier value: ALTER SYSTEM SET (or RESET, for a value that came from the defaults), reload, read until it shows.</summary>
public sealed class SettingRollback(SettingWriter settings, IOptions<SettingRollbackOptions> options) : IRollbackAction
{
    public bool Handles(ConfigChange change) => change.Kind == ChangeKind.Setting;

    public string Describe(ConfigChange change) =>
        $"1. Check that {change.Parameter} on the target still has the value this change set ({Display(change.ValueAfterNormalized, change.Unit)}). " +
        $"2. {(ResetsToDefault(change) ? $"ALTER SYSTEM RESET {change.Parameter}" : $"ALTER SYSTEM SET {change.Parameter} = '{change.ValueBefore}'")}, then reload the configuration. " +
        $"3. Read {change.Parameter} again until it shows {Display(change.ValueBefore, change.Unit)}{(change.RequiresRestart ? " (it needs a restart: recorded as pending restart)" : "")}, " +
        $"for up to {options.Value.VerifyTimeout.TotalSeconds:0.#} s. " +
        "4. Mark the change rolled back and write every step to the audit trail.";

    public async Task<RollbackCheck> PrecheckAsync(RollbackContext context, CancellationToken ct)
    {
        var change = context.Change;
        var current = await settings.ReadAsync(context.Target, change.Parameter!, ct);
        if (SettingValidator.Matches(current, change.ValueAfterNormalized!))
            return RollbackCheck.Ok("The target answers and still has the change's value.");
        var drift = $"{change.Parameter} was changed again since: it is {Display(current.Setting, current.Unit)}, not {Display(change.ValueAfterNormalized, change.Unit)}.";
        return new RollbackCheck(false, $"{drift} Roll back anyway, with a reason, to restore {Display(change.ValueBefore, change.Unit)}.", $"{drift} Rolling back anyway.");
    }

    public async Task<string> ExecuteAsync(RollbackContext context, CancellationToken ct)
    {
        var change = context.Change;
        if (ResetsToDefault(change))
        {
            await settings.ResetAsync(context.Target, change.Parameter!, ct);
            return $"ALTER SYSTEM RESET {change.Parameter}; configuration reloaded.";
        }
        await settings.SetAsync(context.Target, change.Parameter!, change.ValueBefore!, ct);
        return $"ALTER SYSTEM SET {change.Parameter} = '{change.ValueBefore}'; configuration reloaded.";
    }

    public async Task<RollbackVerification> VerifyAsync(RollbackContext context, CancellationToken ct)
    {
        var change = context.Change;
        var pendingRestart = await settings.WaitForAsync(context.Target, change.Parameter!, change.ValueBefore!, ct, options.Value.VerifyTimeout);
        return pendingRestart
            ? new($"{change.Parameter} returns to its earlier value after a restart (pending restart).", PendingRestart: true)
            : new($"{change.Parameter} shows {Display(change.ValueBefore, change.Unit)} again.");
    }

    /// <summary>
    /// A value that came from the defaults or postgresql.conf is restored by RESET, not by writing a literal; one that an
    /// earlier ALTER SYSTEM wrote (<see cref="SettingCatalog.AlterSystemSource"/>) is written back, since RESET would drop it.
    /// </summary>
    public static bool ResetsToDefault(ConfigChange change) => change.SourceBefore is "default" or "configuration file";

    private static string Display(string? setting, string? unit) => $"{setting}{(unit is null ? "" : " " + unit)}";
}

public sealed class SettingRollbackOptions : IValidatedOptions
{
    public const string Section = "Rollbacks:Setting";

    /// <summary>How long the verify step reads the setting before it reports that the earlier value did not show.</summary>
    public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public string? Problem() => ValidatedOptions.AtLeast($"{Section}:VerifyTimeout", VerifyTimeout, TimeSpan.FromMilliseconds(100));
}
