namespace OpsConsole.Tests.Support;

/// <summary>
/// A console on its own fresh store, shared by the tests of one class (starting one takes a second or two).
/// Tests in a class keep out of each other's way by using their own user names.
/// </summary>
public sealed class ConsoleAppFixture(PostgresClusterFixture postgres) : IAsyncLifetime
{
    public ConsoleApp App { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await postgres.CreateStoreAsync("app");
        App = new ConsoleApp(ConnectionString);
        _ = App.BaseUrl; // start now, so the first test does not pay for it inside its own timeouts
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
