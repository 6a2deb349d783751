using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

public sealed record ChainVerification(bool Intact, long Entries, long? FirstBrokenSequence, string Message);

/// <summary>
/// The audit log's hash chain. Each entry's hash is SHA-256 over the previous entry's hash and the entry's
/// canonical content; the insert trigger computes it in the store, and <see cref="VerifyAsync"/> recomputes
/// it here, independently, so that an entry altered behind the console's back is found.
/// </summary>
public sealed class AuditChain(IDbContextFactory<OpsDbContext> dbFactory)
{
    /// <summary>The hash before the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// The canonical content, byte for byte what the trigger hashes: fields joined by a unit separator,
    /// the time in UTC to the microsecond, details as PostgreSQL's canonical jsonb text.
    /// </summary>
    public static string Canonical(long sequence, string at, string actorId, string actorName, string action, string subject, string outcome, string details) =>
        string.Join('\u001f', sequence, at, actorId, actorName, action, subject, outcome, details);

    public static string HashOf(string previousHash, string canonical) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + canonical))).ToLowerInvariant();

    public async Task<ChainVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        // Read as the trigger saw it: the same text forms of time and details.
        await using var command = new NpgsqlCommand(
            """
            SELECT "Sequence", to_char("At" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), "ActorId", "ActorName", "Action",
                   "Subject", "Outcome", "Details"::text, "PreviousHash", "Hash"
            FROM audit_entries ORDER BY "Sequence"
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var previous = Genesis;
        long count = 0, expectedSequence = 1;
        while (await reader.ReadAsync(ct))
        {
            count++;
            var sequence = reader.GetInt64(0);
            var canonical = Canonical(sequence, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7));
            if (sequence != expectedSequence)
                return new ChainVerification(false, count, expectedSequence,
                    $"Broken at entry {expectedSequence}: it is missing (the next entry is {sequence}).");
            if (reader.GetString(8) != previous || reader.GetString(9) != HashOf(previous, canonical))
                return new ChainVerification(false, count, sequence, $"Broken at entry {sequence}: its content or link does not match its hash.");
            previous = reader.GetString(9);
            expectedSequence++;
        }
        return new ChainVerification(true, count, null, $"Intact, {count} entries.");
    }
}
