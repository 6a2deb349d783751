using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Domain.Locks;

public sealed class LockOptions : IValidatedOptions
{
    public const string Section = "Locks";

    /// <summary>Whether every target is sampled (on by default: the Locks page and Health read the samples).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each target's lock waits are sampled.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The sampler's statement timeout on the target: a slow catalog read must not pile up ticks.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between tries at a target that does not answer (the wait doubles up to this).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most sessions a tick keeps in full (in memory, in the stored snapshot and on the Locks page): cycles, head
    /// blockers and the sessions nearest them first; the rest are counted. Head blockers and tree sizes stay exact.
    /// </summary>
    public int MaxSessions { get; set; } = 200;

    /// <summary>How long full snapshots (kept only for ticks where something waited) are kept at least: they go a whole UTC day at a time (decisions/0035).</summary>
    public TimeSpan SnapshotRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long the per-minute aggregates are kept.</summary>
    public TimeSpan AggregateRetention { get; set; } = TimeSpan.FromDays(90);

    public string? Problem() => First(
        AtLeast("Locks:SampleInterval", SampleInterval, TimeSpan.FromMilliseconds(100)),
        AtLeast("Locks:StatementTimeout", StatementTimeout, TimeSpan.FromMilliseconds(100)),
        MaxBackoff >= SampleInterval ? null : "Locks:MaxBackoff must be at least Locks:SampleInterval.",
        AtLeast("Locks:MaxSessions", MaxSessions, 10),
        AtLeast("Locks:SnapshotRetention", SnapshotRetention, TimeSpan.FromMinutes(1)),
        AtLeast("Locks:AggregateRetention", AggregateRetention, TimeSpan.FromMinutes(1)));
}
