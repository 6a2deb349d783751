using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace OpsConsole.Domain.Targets;

/// <summary>
/// Opens connections to targets. Catalog reads and audited actions use Npgsql directly (not EF): they are
/// queries on another server's system views, with short timeouts so that a dead target never holds a page.
/// </summary>
public sealed class TargetConnections(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("OpsConsole.Targets.ConnectionString");

    public string Protect(string connectionString) => protector.Protect(connectionString);

    public string Unprotect(Target target) => protector.Unprotect(target.ProtectedConnectionString);

    public async Task<NpgsqlConnection> OpenAsync(Target target, CancellationToken ct, int statementTimeoutSeconds = 5)
    {
        var builder = new NpgsqlConnectionStringBuilder(Unprotect(target))
        {
            Timeout = 3,
            CommandTimeout = statementTimeoutSeconds,
            ApplicationName = "OpsConsole",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
