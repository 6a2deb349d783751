using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OpsConsole.Domain.Data;

/// <summary>
/// Migrations of the console store, as the owner role (<c>ConnectionStrings:ConsoleMigrations</c>) when one is
/// configured, then the runtime role's grants. EF reads the history table without asking whether it exists,
/// which a brand-new store answers with an error it logs; asking first keeps a first start quiet.
/// </summary>
public sealed class StoreMigrations(IDbContextFactory<OpsDbContext> dbFactory, IConfiguration configuration, ILogger<StoreMigrations> logger)
{
    private string? OwnerConnectionString => configuration.GetConnectionString(StoreSetup.MigrationsConnectionStringName) is { Length: > 0 } owner ? owner : null;

    private string RuntimeConnectionString => configuration.GetConnectionString(StoreSetup.ConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{StoreSetup.ConnectionStringName} is not set.");

    /// <summary>The migrations not applied yet (read as the runtime role, which may SELECT the history).</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PendingAsync(db, ct);
    }

    /// <summary>Applies pending migrations as the owner, then grants the runtime role its share.</summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (OwnerConnectionString is { } owner)
            db.Database.SetConnectionString(owner);
        var pending = await PendingAsync(db, ct);
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migrations to the console store", pending.Count);
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            await db.Database.MigrateAsync(ct);
        }
        if (OwnerConnectionString is not null && RuntimeRole is { } runtime && runtime != OwnerRole)
        {
            // One instance at a time: concurrent GRANTs on one table fail with "tuple concurrently updated".
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('opsconsole store grants'))", ct);
            await db.Database.ExecuteSqlRawAsync(StorePrivileges.GrantScript(runtime), ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Says so in the log when the console runs as a role that could rewrite the audit trail.</summary>
    public async Task WarnWhenPowersAreNotSeparatedAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(RuntimeConnectionString);
        await connection.OpenAsync(ct);
        if (await StorePrivileges.RuntimeCanRewriteHistoryAsync(connection, ct))
            logger.LogWarning(
                "Separation of powers is off: the console connects to its store as {Role}, which owns or may alter the audit trail. " +
                "Set ConnectionStrings:Console to a runtime role and ConnectionStrings:ConsoleMigrations to the owner (README: Console store roles)",
                RuntimeRole);
    }

    private string? RuntimeRole => new NpgsqlConnectionStringBuilder(RuntimeConnectionString).Username;

    private string? OwnerRole => OwnerConnectionString is { } owner ? new NpgsqlConnectionStringBuilder(owner).Username : null;

    private static async Task<IReadOnlyList<string>> PendingAsync(OpsDbContext db, CancellationToken ct) =>
        await HistoryExistsAsync(db, ct)
            ? (await db.Database.GetPendingMigrationsAsync(ct)).ToList()
            : db.Database.GetMigrations().ToList();

    // The provider's own existence check reads the table and logs the failure as an error; the catalog does not.
    private static Task<bool> HistoryExistsAsync(OpsDbContext db, CancellationToken ct) =>
        db.Database.SqlQuery<bool>($"SELECT to_regclass({'"' + HistoryRepository.DefaultTableName + '"'}) IS NOT NULL AS \"Value\"").SingleAsync(ct);
}
