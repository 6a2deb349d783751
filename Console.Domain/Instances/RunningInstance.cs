namespace OpsConsole.Domain.Instances;

/// <summary>
/// A console instance's heartbeat row (console_instances). Its times are the store's clock (now()), so that
/// instances on machines whose clocks differ still agree on who has gone quiet.
/// </summary>
public sealed class RunningInstance
{
    public Guid Id { get; private set; }
    public string Host { get; private set; } = "";
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset HeartbeatAt { get; private set; }

    private RunningInstance() { }
}
