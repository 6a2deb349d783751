using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// The outcome of "Verify chain". <see cref="Problems"/> names each finding (a broken link, missing newest entries, a
/// checkpoint that fails its signature or disagrees with the entries); <see cref="Message"/> says it in one paragraph.
/// </summary>
public sealed record ChainVerification(bool Intact, long Entries, long? FirstBrokenSequence, string Message, IReadOnlyList<string> Problems,
    int Checkpoints, bool TailChecked);

/// <summary>How far "Verify chain" has got: entries checked of those in its snapshot.</summary>
public readonly record struct ChainProgress(long Verified, long Total);

/// <summary>Where the chain head stands: the sequence and hash of the last entry the trigger chained.</summary>
public readonly record struct ChainHead(long Sequence, string Hash);

/// <summary>
/// The audit log's hash chain. Each entry's hash is SHA-256 over the previous entry's hash and the entry's
/// canonical content; the insert trigger computes it in the store, and <see cref="VerifyAsync"/> recomputes
/// it here, independently, so that an entry altered behind the console's back is found. The newest entries are
/// covered by the chain head (which must agree with the last entry) and by signed checkpoints of it
/// (<see cref="AuditCheckpointWriter"/>): entries deleted from the end leave the head or a checkpoint past the end.
/// </summary>
public sealed class AuditChain(IDbContextFactory<OpsDbContext> dbFactory, AuditCheckpointSigner signer)
{
    /// <summary>The hash before the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private const int NamedCheckpointsAtMost = 3;

    /// <summary>Progress is reported every so many entries: often enough for a bar to move, rarely enough to cost nothing.</summary>
    public const int ProgressEvery = 10_000;

    /// <summary>
    /// The canonical content, byte for byte what the trigger hashes: fields joined by a unit separator,
    /// the time in UTC to the microsecond, details as PostgreSQL's canonical jsonb text.
    /// </summary>
    public static string Canonical(long sequence, string at, string actorId, string actorName, string action, string subject, string outcome, string details) =>
        string.Join('\u001f', sequence, at, actorId, actorName, action, subject, outcome, details);

    public static string HashOf(string previousHash, string canonical) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + canonical))).ToLowerInvariant();

    /// <summary>The chain head, read through a function that runs with its owner's rights: the console has none on the head's table.</summary>
    public static async Task<ChainHead?> ReadHeadAsync(OpsDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT last_sequence, last_hash FROM audit_chain_head_read()",
            (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        await using var reader = await command.ExecuteReaderAsync(ct);
        // No row in the head table still gives one row, of nulls: the head was deleted.
        return await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? new ChainHead(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>Every entry as the trigger saw it (the same text forms of time and details), in chain order.</summary>
    internal const string EntriesInChainOrder = """
        SELECT "Sequence", to_char("At" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), "ActorId", "ActorName", "Action",
               "Subject", "Outcome", "Details"::text, "PreviousHash", "Hash"
        FROM audit_entries ORDER BY "Sequence"
        """;

    public Task<ChainVerification> VerifyAsync(CancellationToken ct = default) => VerifyAsync(null, ct);

    /// <summary>
    /// Reads every entry once, in chain order, as one streamed query (the driver hands rows over as they arrive, so memory
    /// stays flat however long the log), and reports <see cref="ChainProgress"/> every <see cref="ProgressEvery"/> entries
    /// and at the end.
    /// </summary>
    public async Task<ChainVerification> VerifyAsync(IProgress<ChainProgress>? progress, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One snapshot for entries, head and checkpoints: entries written meanwhile neither count nor confuse.
        await using var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var head = await ReadHeadAsync(db, ct);
        var total = progress is null ? 0 : await db.AuditEntries.LongCountAsync(ct);
        progress?.Report(new ChainProgress(0, total));
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(ct);
        var trusted = checkpoints.Where(signer.Verifies).ToList();
        var atCheckpoint = trusted.ToDictionary(c => c.Sequence);

        var problems = new List<string>();
        long? firstBroken = null;
        var (count, last, lastHash) = (0L, 0L, Genesis);
        // Past the first broken link or rewritten checkpoint, every later one follows from it: each is named once.
        var (linkBroken, rewriteNamed) = (false, false);

        var hasher = new EntryHasher();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var command = new NpgsqlCommand(EntriesInChainOrder, connection, (NpgsqlTransaction)tx.GetDbTransaction()))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                count++;
                var sequence = reader.GetInt64(0);
                var hash = reader.GetString(9);
                if (!linkBroken)
                {
                    if (sequence != last + 1)
                        linkBroken = Broken(last + 1, $"Broken at entry {last + 1}: it is missing (the next entry is {sequence}).");
                    else if (reader.GetString(8) != lastHash || !hasher.Matches(hash, lastHash, sequence, reader))
                        linkBroken = Broken(sequence, $"Broken at entry {sequence}: its content or link does not match its hash.");
                }
                // A rewritten history can be a consistent chain of its own: a checkpoint still remembers the old hash.
                if (!rewriteNamed && atCheckpoint.TryGetValue(sequence, out var checkpoint) && checkpoint.Hash != hash)
                    rewriteNamed = Broken(sequence,
                        $"Entry {sequence} differs from the checkpoint at {sequence} ({Written(checkpoint)}): history was rewritten from there or earlier.");
                (last, lastHash) = (sequence, hash);
                if (count % ProgressEvery == 0)
                {
                    progress?.Report(new ChainProgress(count, total));
                    // Rows already buffered are handed over without looking at the token: a cancel is heeded here too.
                    ct.ThrowIfCancellationRequested();
                }
            }
        }
        await tx.CommitAsync(ct);
        progress?.Report(new ChainProgress(count, total));

        CheckTail(head, trusted.LastOrDefault(), last, lastHash, problems, ref firstBroken);
        var forged = checkpoints.Except(trusted).ToList();
        if (signer.Enabled && forged.Count > 0)
            problems.Add($"{Plural(forged.Count, "checkpoint fails", "checkpoints fail")} the signature check (altered, or written without the key): " +
                         string.Join(", ", forged.Take(NamedCheckpointsAtMost).Select(c => $"the one at entry {c.Sequence} ({Written(c)})")) +
                         (forged.Count > NamedCheckpointsAtMost ? $" and {forged.Count - NamedCheckpointsAtMost} more." : "."));

        var message = problems.Count > 0
            ? string.Join(" ", problems)
            : $"Intact, {count} entries. {TailNote(trusted.LastOrDefault())}";
        return new ChainVerification(problems.Count == 0, count, firstBroken, message, problems, trusted.Count, signer.Enabled);

        bool Broken(long sequence, string problem)
        {
            firstBroken = Math.Min(firstBroken ?? long.MaxValue, sequence);
            problems.Add(problem);
            return true;
        }
    }

    /// <summary>
    /// <see cref="HashOf"/> of <see cref="Canonical"/>, for a million entries in a row: the text is encoded into one reused
    /// buffer and the hash compared as hex in place, instead of four strings and two arrays per entry.
    /// </summary>
    private sealed class EntryHasher
    {
        private const int FirstTextColumn = 1, LastTextColumn = 7;
        private byte[] buffer = new byte[4096];
        private int length;
        private readonly byte[] digest = new byte[SHA256.HashSizeInBytes];
        private readonly char[] hex = new char[2 * SHA256.HashSizeInBytes];

        /// <summary>Whether <paramref name="expected"/> is the hash of the reader's row (columns 1 to 7 after the sequence) chained to <paramref name="previousHash"/>.</summary>
        public bool Matches(string expected, string previousHash, long sequence, NpgsqlDataReader reader)
        {
            length = 0;
            Append(previousHash);
            Append(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var column = FirstTextColumn; column <= LastTextColumn; column++)
            {
                Append('\u001f');
                Append(reader.GetString(column));
            }
            SHA256.HashData(buffer.AsSpan(0, length), digest);
            return Convert.TryToHexStringLower(digest, hex, out _) && expected.AsSpan().SequenceEqual(hex);
        }

        private void Append(char separator)
        {
            Reserve(1);
            buffer[length++] = (byte)separator;
        }

        private void Append(string text)
        {
            Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
            length += Encoding.UTF8.GetBytes(text, buffer.AsSpan(length));
        }

        private void Reserve(int bytes)
        {
            if (length + bytes > buffer.Length)
                Array.Resize(ref buffer, Math.Max(2 * buffer.Length, length + bytes));
        }
    }

    /// <summary>The head and the newest checkpoint must not be past the last entry: if they are, the newest entries were deleted.</summary>
    private static void CheckTail(ChainHead? head, AuditCheckpoint? newest, long last, string lastHash, List<string> problems, ref long? firstBroken)
    {
        var witnesses = new List<string>();
        if (newest is not null && newest.Sequence > last)
            witnesses.Add($"the checkpoint at {newest.Sequence} ({Written(newest)}) saw {(newest.Sequence > last + 1 ? "them" : "it")}");
        if (head?.Sequence > last)
            witnesses.Add($"the chain head is at {head.Value.Sequence}");
        if (witnesses.Count > 0)
        {
            var end = Math.Max(head?.Sequence ?? 0, newest?.Sequence ?? 0);
            problems.Add($"{(end > last + 1 ? $"Entries {last + 1} to {end} are" : $"Entry {end} is")} missing: {string.Join(", and ", witnesses)}.");
            firstBroken = Math.Min(firstBroken ?? long.MaxValue, last + 1);
        }
        if (head is null)
            problems.Add("The chain head is missing: it was deleted, and no entry can be written until it is restored.");
        else if (head.Value.Sequence < last)
            problems.Add($"The chain head is at {head.Value.Sequence}, behind the last entry {last}: it was moved back.");
        else if (head.Value.Sequence == last && head.Value.Hash != lastHash)
            problems.Add($"The chain head's hash does not match entry {last}: the head or the entry was altered.");
    }

    private string TailNote(AuditCheckpoint? newest) =>
        !signer.Enabled ? "The chain head agrees. Tail checkpoints are off (no Audit:CheckpointKey), so entries deleted from the end together with the head would not show."
        : newest is null ? "The chain head agrees; there is no checkpoint yet."
        : $"The chain head and the checkpoints agree (the newest at entry {newest.Sequence}, {Written(newest)}).";

    private static string Written(AuditCheckpoint checkpoint) => $"written {checkpoint.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";

    private static string Plural(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";
}
