using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace OpsConsole.Domain.Data;

/// <summary>How the console store is reached; shared by the app, the design-time factory and the tests.</summary>
public static class StoreSetup
{
    /// <summary>The runtime role: what the running console connects as.</summary>
    public const string ConnectionStringName = "Console";

    /// <summary>The owner role, for migrations; when unset, the runtime connection string is used for both.</summary>
    public const string MigrationsConnectionStringName = "ConsoleMigrations";

    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsAssembly(typeof(StoreSetup).Assembly.GetName().Name);

    public static DbContextOptionsBuilder UseConsoleStore(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, ConfigureNpgsql);
}
