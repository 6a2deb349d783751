namespace OpsConsole.Domain.Targets;

public enum TargetEnvironment { Production, Staging, Other }

/// <summary>A monitored PostgreSQL database. Its connection string is stored encrypted (Data Protection).</summary>
public sealed class Target
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    public TargetEnvironment Environment { get; private set; }
    /// <summary>The connection string, encrypted with the console's Data Protection keys; never shown or logged.</summary>
    public string ProtectedConnectionString { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public bool? Reachable { get; private set; }
    public string? ServerVersion { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? LastCheckedAt { get; private set; }

    private Target() { }

    public Target(string name, TargetEnvironment environment, string protectedConnectionString, DateTimeOffset now)
    {
        Name = name;
        Environment = environment;
        ProtectedConnectionString = protectedConnectionString;
        CreatedAt = now;
    }

    public void RotateConnection(string protectedConnectionString) => ProtectedConnectionString = protectedConnectionString;

    public void RecordCheck(DateTimeOffset at, string? serverVersion, string? error)
    {
        LastCheckedAt = at;
        Reachable = error is null;
        ServerVersion = serverVersion ?? ServerVersion;
        LastError = error;
    }
}
