namespace OpsConsole.Domain.Data;

public sealed class DatabaseOptions : IValidatedOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the console starts. Turn off where migrations run as a deployment step.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Nothing beyond binding, which validation at start also runs: a value that is not a boolean fails the start there.</summary>
    public string? Problem() => null;
}
