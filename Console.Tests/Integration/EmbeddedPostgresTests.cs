using Npgsql;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string root = PostgresClusterFixture.NewTempFolder("embedded");

    public void Dispose() => PostgresClusterFixture.TryDelete(root);

    [Fact]
    public async Task Cluster_IsCreated_ThenReusedWithItsData_AndStops()
    {
        var ct = TestContext.Current.CancellationToken;
        string firstConnection;
        await using (var first = await EmbeddedPostgres.StartAsync(root, durable: false, ct: ct))
        {
            Assert.True(first.Created);
            await first.EnsureDatabaseAsync("keep", ct: ct);
            firstConnection = first.ConnectionString("keep");
            await ExecuteAsync(firstConnection, "CREATE TABLE marker (value int); INSERT INTO marker VALUES (42)");
            await first.StopAsync();
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(firstConnection + ";Pooling=false", "SELECT 1"));
        }

        await using var second = await EmbeddedPostgres.StartAsync(root, durable: false, ct: ct);

        Assert.False(second.Created);
        // Pooling off: the cluster keeps its port, and the pool would hand back the first server's dead connections.
        Assert.Equal(42, await ScalarAsync(second.ConnectionString("keep") + ";Pooling=false", "SELECT value FROM marker"));
    }

    [Fact]
    public async Task SecondOwner_IsRefusedWhileTheFirstRuns()
    {
        await using var first = await EmbeddedPostgres.StartAsync(root, durable: false, ct: TestContext.Current.CancellationToken);

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => EmbeddedPostgres.StartAsync(root, durable: false));

        Assert.Contains("in use by another OpsConsole process", refusal.Message);
        Assert.Equal(1, await ScalarAsync(first.ConnectionString("postgres"), "SELECT 1"));
    }

    [Fact]
    public void MissingBinaries_NameThePackageToInstall()
    {
        var missing = Assert.Throws<PostgresNotInstalledException>(() => PostgresBinaries.Locate("/nonexistent/bin"));

        Assert.Contains("install the package 'postgresql'", missing.Message);
        Assert.DoesNotContain('\n', missing.Message);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
