using System.Net;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>A brand-new store starts without an error in the log: operators learn to read ERR as something to act on.</summary>
public sealed class QuietStartTests(PostgresClusterFixture postgres)
{
    [Fact]
    public async Task AFreshStore_IsMigratedAndStarted_WithNoErrorNoStackTraceAndNoValueComparerWarning()
    {
        var store = await postgres.CreateUnmigratedStoreAsync("quiet");
        string log;
        await using (var app = new ConsoleApp(store, new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" }))
        {
            using var http = new HttpClient { BaseAddress = app.BaseUrl };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/account/login", TestContext.Current.CancellationToken)).StatusCode);
            log = await Poll.UntilAsync(() => Task.FromResult(ReadLogs(app)), text => text.Contains("\"RequestPath\":\"/account/login\""),
                TimeSpan.FromSeconds(10), "the start-up lines in the log file");
        }

        Assert.Contains("Applying", log);
        var lines = log.Split('\n');
        Assert.DoesNotContain(lines, l => l.Contains("\"@l\":\"Error\"") || l.Contains("\"@l\":\"Fatal\""));
        Assert.DoesNotContain(lines, l => l.Contains("\"@x\":"));
        Assert.DoesNotContain(lines, l => l.Contains("value comparer"));
    }

    private static string ReadLogs(ConsoleApp app) => string.Join('\n', Directory.GetFiles(app.LogFolder, "*.json").Select(file =>
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }));
}
