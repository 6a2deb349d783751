using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Domain.Changes;

public sealed class DriftOptions : IValidatedOptions
{
    public const string Section = "Drift";

    /// <summary>How often each target's pg_settings is compared with the last snapshot (and its status checked).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between tries at a target that does not answer (the wait doubles up to this).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public string? Problem() => First(
        AtLeast("Drift:Interval", Interval, TimeSpan.FromMilliseconds(100)),
        AtLeast("Drift:MaxBackoff", MaxBackoff, TimeSpan.FromMilliseconds(100)));
}
