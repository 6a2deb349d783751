namespace OpsConsole.Domain.Changes;

/// <summary>What review asks of a change beyond the two-person rule.</summary>
public sealed class ReviewPolicyOptions : IValidatedOptions
{
    public const string Section = "ReviewPolicy";

    /// <summary>
    /// A high-risk setting change is approved only after a load rehearsal of it passed (decided when it is registered, so
    /// turning this off later does not release changes registered under it). Settings that need a restart are left out:
    /// a rehearsal never restarts staging, so it cannot try them.
    /// </summary>
    public bool RequirePassingRehearsalForHighRisk { get; set; } = true;

    public string? Problem() => null;
}
