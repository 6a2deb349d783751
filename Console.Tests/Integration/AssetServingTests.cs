using System.Net;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// wwwroot-assets must reach the browser with its real bytes both under <c>dotnet run</c> and from
/// <c>dotnet publish</c> output (linked Content items serve empty bodies: docs/decisions/0001-static-assets.md).
/// </summary>
public sealed class AssetServingTests(PostgresClusterFixture postgres)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task DotnetRun_ServesTheRealAssets()
    {
        await using var console = ConsoleProcess.Start(RepoPaths.Root, "run", "--project", "Console.Web", "--no-build",
            "-c", RepoPaths.Configuration, "--",
            "--urls", $"http://127.0.0.1:{ConsoleProcess.FreePort()}", "--ConnectionStrings:Console", await postgres.CreateStoreAsync("run"));

        await AssertAssetsServedAsync(await console.WaitUntilListeningAsync(StartTimeout));
    }

    [Fact]
    public async Task PublishOutput_ServesTheRealAssets()
    {
        var output = PostgresClusterFixture.NewTempFolder("publish");
        try
        {
            await using (var publish = ConsoleProcess.Start(RepoPaths.Root, "publish", "Console.Web", "-c", "Release", "-o", output, "--nologo"))
                Assert.True(await publish.WaitForExitAsync(TimeSpan.FromMinutes(5)) == 0, publish.Output);

            await using var console = ConsoleProcess.Start(output, Path.Combine(output, "OpsConsole.Web.dll"),
                "--urls", $"http://127.0.0.1:{ConsoleProcess.FreePort()}", "--ConnectionStrings:Console", await postgres.CreateStoreAsync("publish"));

            await AssertAssetsServedAsync(await console.WaitUntilListeningAsync(StartTimeout));
        }
        finally
        {
            PostgresClusterFixture.TryDelete(output);
        }
    }

    private static async Task AssertAssetsServedAsync(Uri url)
    {
        using var http = new HttpClient { BaseAddress = url };
        foreach (var asset in new[] { "css/ops.css", "js/ops.js", "img/favicon.svg" })
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "wwwroot-assets", asset));
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await http.GetByteArrayAsync(asset));
        }
        var framework = await http.GetAsync("_framework/blazor.web.js");
        Assert.Equal(HttpStatusCode.OK, framework.StatusCode);
        Assert.True((await framework.Content.ReadAsByteArrayAsync()).Length > 10_000, "blazor.web.js must have its real body");
    }
}
