using System.Net;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

/// <summary>Readiness against a cluster of its own, since these tests take the store away.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string root = PostgresClusterFixture.NewTempFolder("readiness");
    private EmbeddedPostgres cluster = null!;

    public async ValueTask InitializeAsync()
    {
        cluster = await EmbeddedPostgres.StartAsync(root, durable: false);
        await cluster.EnsureDatabaseAsync("store");
        await cluster.EnsureDatabaseAsync("unmigrated");
    }

    public async ValueTask DisposeAsync()
    {
        await cluster.DisposeAsync();
        PostgresClusterFixture.TryDelete(root);
    }

    [Fact]
    public async Task Readyz_FailsPlainlyWhenTheStoreIsDown_AndRecoversWhenItIsBack()
    {
        await using var app = new ConsoleApp(cluster.ConnectionString("store"));
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        await cluster.StopAsync();
        var down = await Poll.UntilAsync(() => http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, Deadline, "/readyz to fail");
        Assert.Contains("The console store does not answer.", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        await cluster.RestartAsync();
        await Poll.UntilAsync(() => http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK, Deadline, "/readyz to recover");
    }

    [Fact]
    public async Task Readyz_ReportsPendingMigrations_WhenStartupMigrationIsOff()
    {
        await using var app = new ConsoleApp(cluster.ConnectionString("unmigrated"),
            new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });
        using var http = new HttpClient { BaseAddress = app.BaseUrl };

        var response = await http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("pending migrations", await response.Content.ReadAsStringAsync());
    }
}
