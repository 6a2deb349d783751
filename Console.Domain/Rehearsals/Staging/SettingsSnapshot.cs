using System.Text.Json;
using Npgsql;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>One line of postgresql.auto.conf (what ALTER SYSTEM wrote): the value as the file holds it.</summary>
public sealed record AutoConfEntry(string Name, string Value);

/// <summary>One row of pg_settings as a session saw it.</summary>
public sealed record SettingValue(string Name, string Setting, string? Unit, string Source, string Context);

/// <summary>
/// What it takes to put a staging cluster's settings back exactly: the ALTER SYSTEM entries (postgresql.auto.conf),
/// which a restore writes back, and all of pg_settings, which it compares against. <see cref="AutoConfSource"/> says
/// where the entries were read: <c>pg_file_settings</c> (the file itself, superusers only by default) or, for a role
/// with pg_monitor (pg_read_all_settings), <c>pg_settings</c>: the values in effect whose source file is
/// postgresql.auto.conf, written in base units ('8192' for '8MB': the same setting), and blind to an entry that waits for a restart.
/// </summary>
public sealed record SettingsSnapshot(DateTimeOffset TakenAt, string AutoConfSource, IReadOnlyList<AutoConfEntry> AutoConf, IReadOnlyList<SettingValue> Settings)
{
    public const string FromFile = "pg_file_settings";
    public const string FromSettings = "pg_settings";

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static SettingsSnapshot FromJson(string json) =>
        JsonSerializer.Deserialize<SettingsSnapshot>(json, JsonSerializerOptions.Web) ?? throw new JsonException("An empty settings snapshot.");

    public static async Task<SettingsSnapshot> TakeAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken ct)
    {
        var (source, autoConf) = await ReadAutoConfAsync(connection, ct);
        return new SettingsSnapshot(now, source, autoConf, await ReadSettingsAsync(connection, ct));
    }

    /// <summary>The entries of postgresql.auto.conf, by name (ALTER SYSTEM keeps one line per name; the last would win anyway).</summary>
    public static async Task<(string Source, IReadOnlyList<AutoConfEntry> Entries)> ReadAutoConfAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string fromFile = """
            SELECT name, setting FROM pg_file_settings
            WHERE sourcefile = current_setting('data_directory') || '/postgresql.auto.conf' ORDER BY seqno
            """;
        const string fromSettings = """
            SELECT name, setting FROM pg_settings
            WHERE sourcefile = current_setting('data_directory') || '/postgresql.auto.conf' ORDER BY name
            """;
        try
        {
            return (FromFile, await EntriesAsync(connection, fromFile, ct));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            try
            {
                return (FromSettings, await EntriesAsync(connection, fromSettings, ct));
            }
            catch (PostgresException again) when (again.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new DomainRuleException("The console's role on the staging target may not read where its settings come from: grant it " +
                    "pg_monitor (or pg_read_all_settings), so that a rehearsal can put the settings back exactly.", "target");
            }
        }
    }

    private static async Task<IReadOnlyList<AutoConfEntry>> EntriesAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var entries = new Dictionary<string, string>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            entries[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        return [.. entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new AutoConfEntry(e.Key, e.Value))];
    }

    public static async Task<IReadOnlyList<SettingValue>> ReadSettingsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT name, setting, unit, source, context FROM pg_settings ORDER BY name", connection);
        var settings = new List<SettingValue>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            settings.Add(new SettingValue(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetString(4)));
        return settings;
    }
}
