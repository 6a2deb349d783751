using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Domain.Audit;

public sealed class AuditOptions : IValidatedOptions
{
    public const string Section = "Audit";

    /// <summary>The shortest key accepted: HMAC-SHA256 gains nothing from more than 32 bytes, and is weak with much fewer.</summary>
    public const int MinKeyLength = 32;

    /// <summary>How often the chain head is checkpointed (skipped when no entry was written since the last checkpoint).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The HMAC key that signs checkpoints, at least <see cref="MinKeyLength"/> characters. It comes from configuration
    /// (or the embedded default's key file), never from the store: whoever can rewrite the store must not be able to sign.
    /// Empty: no checkpoints, and "Verify chain" says that tail checks are off.
    /// </summary>
    public string CheckpointKey { get; set; } = "";

    public string? Problem() => First(
        AtLeast("Audit:CheckpointInterval", CheckpointInterval, TimeSpan.FromSeconds(1)),
        string.IsNullOrEmpty(CheckpointKey) || CheckpointKey.Length >= MinKeyLength ? null
            : $"Audit:CheckpointKey must be at least {MinKeyLength} characters (or unset, which turns checkpoints off).");
}
