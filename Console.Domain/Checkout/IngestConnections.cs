using Npgsql;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Connections of the checkout ingest, apart from EF's: each physical connection gets its own COPY staging
/// table once, when it opens, and keeps it (no reset on close), so no batch pays for DDL or churns the catalog.
/// </summary>
public sealed class IngestConnections : IAsyncDisposable
{
    public const string StagingTable = "checkout_staging";

    // Columns in the order CheckoutIngest writes them with COPY.
    private const string CreateStaging =
        $"""
        CREATE TEMP TABLE IF NOT EXISTS {StagingTable} (
            "EventId" text, "OccurredAt" timestamptz, "Outcome" text, "ErrorClass" text, "ErrorCode" text, "LatencyMs" double precision,
            "Amount" numeric, "Currency" text, "Region" text, "Service" text, "Target" text
        ) ON COMMIT DELETE ROWS
        """;

    private readonly NpgsqlDataSource dataSource;

    public IngestConnections(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString)
        {
            ConnectionStringBuilder = { NoResetOnClose = true, MaxAutoPrepare = 10, ApplicationName = "opsconsole-ingest" },
        };
        builder.UsePhysicalConnectionInitializer(
            connection => { using var create = new NpgsqlCommand(CreateStaging, connection); create.ExecuteNonQuery(); },
            async connection => { await using var create = new NpgsqlCommand(CreateStaging, connection); await create.ExecuteNonQueryAsync(); });
        dataSource = builder.Build();
    }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct) => dataSource.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
