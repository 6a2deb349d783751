using System.Security.Cryptography;
using System.Text;
using Npgsql;
using OpsConsole.Domain.Audit;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>
/// The chain read "Verify chain" ran before binary COPY and parallel hashing, kept to be timed beside it in the same run:
/// one streamed query with the time and details made text by the store, each entry's columns read as strings, hashed into
/// one reused buffer, and linked in order. It checks the links only (no head, no checkpoints): those cost nothing beside it.
/// </summary>
internal static class PreviousChainRead
{
    public const string EntriesInChainOrder = """
        SELECT "Sequence", to_char("At" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), "ActorId", "ActorName", "Action",
               "Subject", "Outcome", "Details"::text, "PreviousHash", "Hash"
        FROM audit_entries ORDER BY "Sequence"
        """;

    /// <summary>The entries read and their links checked; the first broken sequence, if any.</summary>
    public static async Task<(long Entries, long? FirstBroken)> VerifyLinksAsync(string store, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(EntriesInChainOrder, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var hasher = new EntryHasher();
        var (count, last, lastHash) = (0L, 0L, AuditChain.Genesis);
        long? firstBroken = null;
        while (await reader.ReadAsync(ct))
        {
            count++;
            var sequence = reader.GetInt64(0);
            var hash = reader.GetString(9);
            if (firstBroken is null && (sequence != last + 1 || reader.GetString(8) != lastHash || !hasher.Matches(hash, lastHash, sequence, reader)))
                firstBroken = sequence != last + 1 ? last + 1 : sequence;
            (last, lastHash) = (sequence, hash);
        }
        return (count, firstBroken);
    }

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
}
