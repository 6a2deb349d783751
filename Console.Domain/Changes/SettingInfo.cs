namespace OpsConsole.Domain.Changes;

/// <summary>One row of a target's pg_settings: what the setting is now and what it accepts.</summary>
public sealed record SettingInfo(
    string Name,
    string Setting,
    string? Unit,
    string VarType,
    string? MinValue,
    string? MaxValue,
    IReadOnlyList<string> EnumValues,
    string Context,
    string Source,
    string ShortDescription,
    bool PendingRestart)
{
    /// <summary>postmaster settings take effect only after a server restart.</summary>
    public bool RequiresRestart => Context == "postmaster";

    public string ContextText => Context switch
    {
        "postmaster" => "needs a restart",
        "sighup" => "applies on reload",
        "superuser" or "user" or "superuser-backend" or "backend" => "applies on reload; sessions may override",
        "internal" => "read-only",
        _ => Context,
    };

    public string AllowedText => VarType switch
    {
        "bool" => "on or off",
        "enum" => string.Join(", ", EnumValues),
        "integer" or "real" => $"{MinValue} to {MaxValue}{(Unit is null ? "" : $" (unit {Unit})")}",
        _ => "text",
    };
}

/// <summary>A proposed value that passed validation against the target's own metadata.</summary>
public sealed record ValidatedSetting(SettingInfo Info, string Value, string Normalized);
