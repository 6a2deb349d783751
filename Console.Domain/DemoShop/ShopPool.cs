using Npgsql;

namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// A checkout service's own pool, sized like one: when every connection is busy, shoppers wait for one (up to the
/// attempt timeout) instead of opening more. No lock_timeout: the target's settings decide.
/// </summary>
public static class ShopPool
{
    public static NpgsqlDataSource Create(string connectionString, DemoShopOptions o, string applicationName)
    {
        var seconds = (int)o.AttemptTimeout.TotalSeconds;
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            MinPoolSize = 0,
            MaxPoolSize = o.Concurrency,
            Timeout = seconds,
            CommandTimeout = seconds,
            MaxAutoPrepare = 16,
            ApplicationName = applicationName,
        };
        if (o.StatementTimeout > TimeSpan.Zero)
            builder.Options = $"{builder.Options} -c statement_timeout={(long)o.StatementTimeout.TotalMilliseconds}".Trim();
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
