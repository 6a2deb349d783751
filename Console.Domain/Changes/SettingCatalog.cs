using Npgsql;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Changes;

/// <summary>
/// Reads a target's pg_settings (catalog query, so Npgsql directly). A value that an earlier ALTER SYSTEM wrote into
/// postgresql.auto.conf reads as source "configuration file" in pg_settings, like one from postgresql.conf; it is
/// reported as <see cref="AlterSystemSource"/> instead, since only a postgresql.conf value comes back by RESET.
/// </summary>
public sealed class SettingCatalog(TargetConnections connections)
{
    public const string AlterSystemSource = "alter system";

    public Task<IReadOnlyList<SettingInfo>> ReadAsync(Target target, CancellationToken ct = default) =>
        connections.ReadAsync(target, (connection, c) => ReadAsync(connection, c), ct);

    public static async Task<IReadOnlyList<SettingInfo>> ReadAsync(NpgsqlConnection connection, CancellationToken ct, string? onlyName = null)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT name, setting, unit, vartype, min_val, max_val, enumvals, context,
                   CASE WHEN source = 'configuration file' AND sourcefile LIKE '%postgresql.auto.conf' THEN 'alter system' ELSE source END,
                   short_desc, pending_restart
            FROM pg_settings WHERE $1::text IS NULL OR name = $1 ORDER BY name
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)onlyName ?? DBNull.Value, DataTypeName = "text" });
        var settings = new List<SettingInfo>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            settings.Add(new SettingInfo(
                reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), Text(reader, 2), reader.GetString(3),
                Text(reader, 4), Text(reader, 5), reader.IsDBNull(6) ? [] : reader.GetFieldValue<string[]>(6),
                reader.GetString(7), reader.GetString(8), Text(reader, 9) ?? "", !reader.IsDBNull(10) && reader.GetBoolean(10)));
        return settings;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
