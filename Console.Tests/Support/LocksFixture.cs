using OpsConsole.Domain.Access;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A console watching a target cluster of its own, sampled every half second, for the Locks page's browser tests:
/// other classes' sessions never show up in its graph. Users: dba1 (DBA) and viewer (Viewer).
/// </summary>
public sealed class LocksFixture(PostgresClusterFixture postgres) : IAsyncLifetime
{
    public const string Password = "Fixture-Passw0rd!";
    private readonly string root = PostgresClusterFixture.NewTempFolder("locks");

    public EmbeddedPostgres TargetCluster { get; private set; } = null!;
    public ConsoleApp App { get; private set; } = null!;
    public string TargetConnectionString => TargetCluster.ConnectionString("shop");
    public Guid TargetId { get; private set; }

    public async ValueTask InitializeAsync()
    {
        TargetCluster = await EmbeddedPostgres.StartAsync(root, durable: false);
        await TargetCluster.EnsureDatabaseAsync("shop");
        App = new ConsoleApp(await postgres.CreateStoreAsync("locks"), new Dictionary<string, string?>
        {
            ["Locks:SampleInterval"] = "00:00:00.500", ["Locks:MaxBackoff"] = "00:00:02",
        });
        TargetId = await App.Service<TargetRegistry>().RegisterAsync(Actor.System, "shop", TargetEnvironment.Production, TargetConnectionString);
        await App.CreateUserAsync("dba1", Password, Roles.Dba);
        await App.CreateUserAsync("viewer", Password, Roles.Viewer);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await TargetCluster.DisposeAsync();
        PostgresClusterFixture.TryDelete(root);
    }
}
