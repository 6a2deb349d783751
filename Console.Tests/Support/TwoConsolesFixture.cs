using OpsConsole.Domain.Live;

namespace OpsConsole.Tests.Support;

/// <summary>Two console instances, A and B, on one store, as behind a load balancer; both listening on the live bridge.</summary>
public sealed class TwoConsolesFixture(PostgresClusterFixture postgres) : IAsyncLifetime
{
    public ConsoleApp A { get; private set; } = null!;
    public ConsoleApp B { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await postgres.CreateStoreAsync("bridge");
        // One after the other: the first runs the store's start-up work (first admin) alone, as a rolling deploy would.
        A = new ConsoleApp(ConnectionString);
        _ = A.BaseUrl;
        B = new ConsoleApp(ConnectionString);
        _ = B.BaseUrl;
        await Poll.UntilAsync(() => Task.FromResult(A.Service<PostgresLiveBridge>().Listening && B.Service<PostgresLiveBridge>().Listening),
            listening => listening, TimeSpan.FromSeconds(20), "both live bridges listening");
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
