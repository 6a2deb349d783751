namespace OpsConsole.Domain.Instances;

/// <summary>This console process among the instances on one store: a new id at every start.</summary>
public sealed class ConsoleInstance
{
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Where it runs, for people reading the instances table: host name and process id.</summary>
    public string Host { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";
}
