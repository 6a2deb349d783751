using Npgsql;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.DemoShop;

/// <summary>Turns the exception a checkout really died of into the ingest contract's error class and code.</summary>
public static class CheckoutFailures
{
    public static (string ErrorClass, string ErrorCode) Classify(Exception failure)
    {
        if (failure is PaymentDeclinedException)
            return (ErrorClasses.PaymentGateway, PaymentDeclinedException.Code);
        if (failure is ShopConnectException { InnerException: { } connect })
            return ClassifyConnect(connect);

        var postgres = Find<PostgresException>(failure);
        if (postgres is not null)
            return (ByState(postgres.SqlState), postgres.SqlState);

        // Npgsql reports its own command timeout as a TimeoutException after having the server cancel the
        // statement, so it is the server's query_canceled (57014) in all but name.
        if (Find<TimeoutException>(failure) is not null)
            return (ErrorClasses.DbConnectionTimeout, "57014");
        return (ErrorClasses.Other, failure is NpgsqlException npgsql && npgsql.SqlState is { } state ? state : failure.GetType().Name);
    }

    private static string ByState(string sqlState) => sqlState switch
    {
        "40P01" => ErrorClasses.DbDeadlock,
        "55P03" => ErrorClasses.DbLockTimeout,
        "40001" => ErrorClasses.DbSerialization,
        "57014" => ErrorClasses.DbConnectionTimeout,
        // Too many connections / the server is starting or stopping: the client gets no usable connection.
        "53300" or "57P03" or "08006" or "08001" => ErrorClasses.DbConnectionTimeout,
        _ => ErrorClasses.Other,
    };

    /// <summary>Waiting for a pooled connection, or for the server to answer, is a timeout; a refusal is not.</summary>
    private static (string, string) ClassifyConnect(Exception inner)
    {
        if (Find<PostgresException>(inner) is { } postgres)
            return (ByState(postgres.SqlState), postgres.SqlState);
        if (inner.Message.Contains("pool", StringComparison.OrdinalIgnoreCase))
            return (ErrorClasses.DbConnectionTimeout, "pool_exhausted");
        return Find<TimeoutException>(inner) is not null
            ? (ErrorClasses.DbConnectionTimeout, "connect_timeout")
            : (ErrorClasses.Other, "08001");
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found)
                return found;
        return null;
    }
}
