using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OpsConsole.Domain.Audit;

/// <summary>Signs and checks checkpoints with the configured key; without a key it is <see cref="Enabled"/> false.</summary>
public sealed class AuditCheckpointSigner(IOptions<AuditOptions> options)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(options.Value.CheckpointKey ?? "");

    public bool Enabled => key.Length > 0;

    /// <summary>What is signed: sequence, hash and time (UTC, microseconds, as the store keeps it), joined by a unit separator.</summary>
    public static string Canonical(long sequence, string hash, DateTimeOffset at) =>
        string.Join('\u001f', "checkpoint-v1", sequence, hash, AuditExportWriter.IsoUtc(at));

    public string Sign(long sequence, string hash, DateTimeOffset at)
    {
        if (!Enabled)
            throw new InvalidOperationException("Audit:CheckpointKey is not set.");
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Canonical(sequence, hash, at))));
    }

    public bool Verifies(AuditCheckpoint checkpoint) =>
        Enabled && checkpoint.Signature.Length == 64
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(checkpoint.Sequence, checkpoint.Hash, checkpoint.At)),
            Encoding.ASCII.GetBytes(checkpoint.Signature));

    /// <summary>The store keeps microseconds: a time is cut to them before it is signed, so the stored one verifies.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset at) => at.AddTicks(-(at.UtcTicks % 10));
}
