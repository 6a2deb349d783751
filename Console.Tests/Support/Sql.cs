using Npgsql;

namespace OpsConsole.Tests.Support;

/// <summary>SQL run directly on a cluster, behind the console's back, each call in a session of its own (no pool).</summary>
public static class Sql
{
    public static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql) => (T)(await ScalarAsync(connectionString, sql))!;
}
