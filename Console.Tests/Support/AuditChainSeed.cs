using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using OpsConsole.Domain.Audit;

namespace OpsConsole.Tests.Support;

/// <summary>
/// Appends many chained audit entries fast: hashed here with <see cref="AuditChain"/>'s own functions and written by COPY as
/// the store's owner, with the chaining trigger off for that one transaction (DDL is transactional, so no other writer ever
/// sees it off; the head is locked meanwhile). Row by row through the trigger, a million entries take minutes.
/// The entries continue the chain from its head, so a store that already holds entries stays intact.
/// </summary>
public static class AuditChainSeed
{
    /// <summary>Appends <paramref name="count"/> entries to the store whose owner connection string is <paramref name="ownerConnectionString"/>.</summary>
    public static async Task AppendAsync(string ownerConnectionString, int count, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_chain", ct);
        var (last, hash) = (0L, AuditChain.Genesis);
        await using (var head = new NpgsqlCommand("SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE", connection))
        await using (var reader = await head.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct))
                (last, hash) = (reader.GetInt64(0), reader.GetString(1));

        // Microseconds, as the store keeps them, so that the time hashed here is the time read back.
        var start = AuditCheckpointSigner.ToMicroseconds(DateTimeOffset.UtcNow.AddDays(-1));
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY audit_entries ("Sequence", "PreviousHash", "Hash", "At", "ActorId", "ActorName", "Action", "Subject", "Outcome", "Details")
            FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            for (var i = 1; i <= count; i++)
            {
                var sequence = last + i;
                var at = start.AddTicks(i * 10L);
                var (actorId, actorName, action, subject, outcome) = ($"u{i % 7}", $"user{i % 7}", "bench.entry", $"bench:{i % 100}", "Succeeded");
                // The jsonb text form PostgreSQL gives back (a space after the colon), which is what the chain hashes.
                var details = string.Create(CultureInfo.InvariantCulture, $$"""{"n": {{i}}}""");
                var next = AuditChain.HashOf(hash, AuditChain.Canonical(sequence, AuditExportWriter.IsoUtc(at), actorId, actorName, action, subject, outcome, details));
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(sequence, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(hash, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(next, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(actorId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(actorName, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(action, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(subject, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(outcome, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(details, NpgsqlDbType.Jsonb, ct);
                hash = next;
            }
            await copy.CompleteAsync(ct);
        }
        await using (var head = new NpgsqlCommand("UPDATE audit_chain_head SET last_sequence = $1, last_hash = $2 WHERE id = 1", connection)
                     { Parameters = { new() { Value = last + count }, new() { Value = hash } } })
            await head.ExecuteNonQueryAsync(ct);
        await ExecuteAsync(connection, "ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_chain", ct);
        await tx.CommitAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
