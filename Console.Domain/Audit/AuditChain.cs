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

    public Task<ChainVerification> VerifyAsync(CancellationToken ct = default) => VerifyAsync(null, ct);

    /// <summary>
    /// Reads every entry once, in chain order, as one streamed binary COPY (<see cref="ChainCopyReader"/>) into a fixed set of
    /// reused batches, so memory stays flat however long the log; the batches are hashed in parallel while the next is read,
    /// and the links between entries checked here, in order, so that the first break is the one named. It reports <see cref="ChainProgress"/> every <see cref="ProgressEvery"/> entries
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
        var (count, last, lastHashText) = (0L, 0L, Genesis);
        // Past the first broken link or rewritten checkpoint, every later one follows from it: each is named once.
        var (linkBroken, rewriteNamed) = (false, false);

        var lastHash = new byte[64];
        var lastHashLength = Encoding.ASCII.GetBytes(Genesis, lastHash);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await foreach (var batch in ReadHashedAsync(connection, ct))
        {
            for (var entry = 0; entry < batch.Count; entry++)
            {
                count++;
                var sequence = batch.Sequence(entry);
                var hash = batch.Hash(entry);
                if (!linkBroken)
                {
                    if (sequence != last + 1)
                        linkBroken = Broken(last + 1, $"Broken at entry {last + 1}: it is missing (the next entry is {sequence}).");
                    else if (!batch.PreviousHash(entry).SequenceEqual(lastHash.AsSpan(0, lastHashLength)) || !batch.Matches(entry))
                        linkBroken = Broken(sequence, $"Broken at entry {sequence}: its content or link does not match its hash.");
                }
                // A rewritten history can be a consistent chain of its own: a checkpoint still remembers the old hash.
                if (!rewriteNamed && atCheckpoint.TryGetValue(sequence, out var checkpoint) && checkpoint.Hash != Encoding.UTF8.GetString(hash))
                    rewriteNamed = Broken(sequence,
                        $"Entry {sequence} differs from the checkpoint at {sequence} ({Written(checkpoint)}): history was rewritten from there or earlier.");
                last = sequence;
                if (hash.Length > lastHash.Length)
                    lastHash = new byte[hash.Length];
                hash.CopyTo(lastHash);
                lastHashLength = hash.Length;
                if (count % ProgressEvery == 0)
                {
                    progress?.Report(new ChainProgress(count, total));
                    ct.ThrowIfCancellationRequested();
                }
            }
        }
        lastHashText = Encoding.UTF8.GetString(lastHash, 0, lastHashLength);
        await tx.CommitAsync(ct);
        progress?.Report(new ChainProgress(count, total));

        CheckTail(head, trusted.LastOrDefault(), last, lastHashText, problems, ref firstBroken);
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

    /// <summary>Batches read ahead of the one being checked: enough to keep every core hashing, few enough to keep memory flat.</summary>
    private static readonly int BatchesInFlight = Environment.ProcessorCount + 1;

    /// <summary>
    /// The entries in chain order, in hashed batches. One thread reads the binary COPY into batches while the batches before
    /// it are hashed on the thread pool, each on its own; they are yielded in order, each once its hashes are done. A fixed set
    /// of batches circulates, so the reading waits for the checking rather than running ahead of it.
    /// </summary>
    private static async IAsyncEnumerable<ChainBatch> ReadHashedAsync(NpgsqlConnection connection,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var free = System.Threading.Channels.Channel.CreateUnbounded<ChainBatch>();
        var read = System.Threading.Channels.Channel.CreateUnbounded<ChainBatch>(new() { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < BatchesInFlight; i++)
            free.Writer.TryWrite(new ChainBatch());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var copy = await connection.BeginRawBinaryCopyAsync(ChainCopyReader.Query, ct);
        var reader = new ChainCopyReader(copy);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var more = true; more;)
                {
                    var batch = await free.Reader.ReadAsync(stop.Token);
                    more = await reader.FillAsync(batch, stop.Token);
                    batch.Hashed = Task.Run(batch.HashAll, stop.Token);
                    read.Writer.TryWrite(batch);
                }
                read.Writer.TryComplete();
            }
            catch (Exception e)
            {
                read.Writer.TryComplete(e);
            }
        }, stop.Token);
        try
        {
            await foreach (var batch in read.Reader.ReadAllAsync(ct))
            {
                await batch.Hashed;
                yield return batch;
                free.Writer.TryWrite(batch);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(producer);
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
