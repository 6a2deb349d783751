namespace OpsConsole.Domain.Targets;

/// <summary>
/// Settings whose value is a shell command the server runs, or code it loads: setting one is running a program
/// on the database host. Refused unless the target explicitly allows them (an Admin's audited choice), when a
/// change is registered and again when ALTER SYSTEM SET is about to run (apply and rollback alike). RESET is
/// always allowed: it only returns to what the server's own configuration files say.
/// archive_library and jit_provider are not in the list but load a library as well.
/// </summary>
public static class DangerousSettings
{
    private static readonly string[] Names =
    [
        "archive_command", "restore_command", "archive_cleanup_command", "recovery_end_command", "ssl_passphrase_command",
        "dynamic_library_path", "archive_library", "jit_provider",
    ];

    public static bool IsDangerous(string parameter)
    {
        var name = (parameter ?? "").Trim().ToLowerInvariant();
        return Names.Contains(name) || name.EndsWith("_preload_libraries", StringComparison.Ordinal);
    }

    /// <summary>Null when <paramref name="target"/> may set <paramref name="parameter"/>; otherwise why not.</summary>
    public static string? Problem(Target target, string parameter) =>
        IsDangerous(parameter) && !target.AllowDangerousSettings
            ? $"{parameter.Trim().ToLowerInvariant()} runs a command or loads code on the database server: {target.Name} does not allow such settings " +
              "(an Admin can allow them on Admin → Targets)."
            : null;
}

/// <summary>A safety rule refused a change just before it would have run on the target; nothing was run.</summary>
public sealed class TargetSafetyException(string message) : Exception(message);
