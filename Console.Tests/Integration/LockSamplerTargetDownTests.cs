using System.Diagnostics;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

/// <summary>A second target in a cluster of its own is stopped and started again under a running sampler.</summary>
public sealed class LockSamplerTargetDownTests(TargetFixture fixture, ITestOutputHelper output) : IClassFixture<TargetFixture>
{
    [Fact]
    public async Task ATargetThatStopsAnswering_IsMarkedUnreachable_WhileTheConsoleStaysResponsive_AndRecovers()
    {
        var root = PostgresClusterFixture.NewTempFolder("flaky");
        var cluster = await EmbeddedPostgres.StartAsync(root, durable: false);
        try
        {
            await StopAndRestartAsync(cluster);
        }
        finally
        {
            await cluster.DisposeAsync();
            PostgresClusterFixture.TryDelete(root);
        }
    }

    private async Task StopAndRestartAsync(EmbeddedPostgres cluster)
    {
        await cluster.EnsureDatabaseAsync("flaky");
        var targetId = await fixture.App.Service<TargetRegistry>().RegisterAsync(Actor.System, "flaky", TargetEnvironment.Staging,
            cluster.ConnectionString("flaky"));
        var monitor = fixture.App.Service<LockMonitor>();
        await Poll.UntilAsync(() => Task.FromResult(monitor.Latest(targetId)), s => s is not null, TimeSpan.FromSeconds(30), "the first sample");

        await cluster.StopAsync();
        var down = await Poll.UntilAsync(() => Task.FromResult(monitor.Status(targetId)), s => s is { Reachable: false }, TimeSpan.FromSeconds(30),
            "the target marked unreachable");
        Assert.False(string.IsNullOrEmpty(down!.Error));
        Assert.Null(monitor.Latest(targetId));
        Assert.False((await fixture.App.Service<TargetRegistry>().GetAsync(targetId, TestContext.Current.CancellationToken)).Reachable);

        // Meanwhile the console answers, and the other target is still sampled every second.
        using var http = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        var clock = Stopwatch.StartNew();
        var health = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        output.WriteLine($"/healthz answered in {clock.ElapsedMilliseconds} ms with the target down");
        Assert.True(health.IsSuccessStatusCode);
        var before = monitor.Latest(fixture.TargetId)!.At;
        await Poll.UntilAsync(() => Task.FromResult(monitor.Latest(fixture.TargetId)!.At), at => at > before, TimeSpan.FromSeconds(30),
            "the other target's next sample");

        await cluster.RestartAsync(TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => Task.FromResult((monitor.Status(targetId), monitor.Latest(targetId))), s => s.Item1 is { Reachable: true } && s.Item2 is not null,
            TimeSpan.FromSeconds(30), "the sampler to recover");
    }
}
