using System.Net;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>The console as a person runs it with nothing configured: it brings its own PostgreSQL.</summary>
[Collection(QuietCollection.Name)]
public sealed class EmbeddedDefaultTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string dataRoot = PostgresClusterFixture.NewTempFolder("default");

    public void Dispose() => PostgresClusterFixture.TryDelete(dataRoot);

    private static string BuiltConsole => RepoPaths.BuiltConsole;

    [Fact]
    public async Task Console_StartsItsOwnCluster_ReusesItNextTime_AndStopsItOnCtrlC()
    {
        var first = await RunUntilLoginPageAsync();
        Assert.Contains("Created an embedded PostgreSQL cluster", first);
        Assert.Contains("generated password", first);
        // The whole output on failure: an error logged while stopping (seen once in many runs) is diagnosed by its full text.
        Assert.False(first.Contains(" ERR] ") || first.Contains("\n   at "), $"The console logged an error or a stack trace:\n{first}");
        Assert.False(PostmasterRunning(), "the cluster must stop with the console");

        var second = await RunUntilLoginPageAsync();
        Assert.DoesNotContain("Created an embedded PostgreSQL cluster", second);
        Assert.DoesNotContain("generated password", second);
        Assert.False(PostmasterRunning(), "the cluster must stop with the console");
    }

    [Fact]
    public async Task MissingPostgres_FailsWithOneLineNamingThePackage()
    {
        await using var console = ConsoleProcess.Start(RepoPaths.WebProject, BuiltConsole,
            "--urls", $"http://127.0.0.1:{ConsoleProcess.FreePort()}", "--Embedded:DataDirectory", dataRoot, "--Embedded:BinDirectory", "/nonexistent/bin");

        var exitCode = await console.WaitForExitAsync(StartTimeout);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(console.Output.Split('\n'), l => l.Contains("PostgreSQL"));
        Assert.Contains("install the package 'postgresql'", line);
        Assert.DoesNotContain("   at ", console.Output);
    }

    private async Task<string> RunUntilLoginPageAsync()
    {
        await using var console = ConsoleProcess.Start(RepoPaths.WebProject, BuiltConsole,
            "--urls", $"http://127.0.0.1:{ConsoleProcess.FreePort()}", "--Embedded:DataDirectory", dataRoot);
        var url = await console.WaitUntilListeningAsync(StartTimeout);
        using var http = new HttpClient { BaseAddress = url };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/account/login")).StatusCode);
        Assert.True(PostmasterRunning());

        await console.InterruptAsync();
        try
        {
            Assert.Equal(0, await console.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        catch (TimeoutException)
        {
            // What the console was doing when it did not stop is the whole diagnosis.
            Assert.Fail($"The console did not stop within 60 s of Ctrl+C. Its output ends:\n{string.Join('\n', console.Output.Split('\n').TakeLast(60))}");
        }
        return console.Output;
    }

    private bool PostmasterRunning()
    {
        var running = new[] { "store", "shop" }.Select(cluster => File.Exists(Path.Combine(dataRoot, cluster, "pgdata", "postmaster.pid"))).Distinct().ToList();
        Assert.Single(running); // both or neither
        return running[0];
    }
}
