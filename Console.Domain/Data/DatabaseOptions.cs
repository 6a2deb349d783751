namespace OpsConsole.Domain.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the console starts. Turn off where migrations run as a deployment step.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
