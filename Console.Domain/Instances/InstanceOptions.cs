using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Domain.Instances;

/// <summary>How console instances on one store share background work and tell each other they are alive.</summary>
public sealed class InstanceOptions : IValidatedOptions
{
    public const string Section = "Instances";

    /// <summary>How often an instance tries to take a store lock that another instance holds (the takeover time when that one dies).</summary>
    public TimeSpan LockRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each instance writes its heartbeat into the store.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An instance silent this long is gone: the rollbacks it was running are marked interrupted.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    public string? Problem() => First(
        AtLeast("Instances:LockRetryInterval", LockRetryInterval, TimeSpan.FromMilliseconds(100)),
        AtLeast("Instances:HeartbeatInterval", HeartbeatInterval, TimeSpan.FromMilliseconds(100)),
        StaleAfter >= 3 * HeartbeatInterval ? null : "Instances:StaleAfter must be at least three heartbeat intervals.");
}
