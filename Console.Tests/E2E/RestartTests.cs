using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using Npgsql;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

/// <summary>
/// Day two: the console as a person runs it (its own process, the embedded default), stopped with Ctrl+C and started
/// again on the same data folder, twice. Every start must leave the demo target fully monitored: reachable, its lock
/// chains drawn, an out-of-band ALTER SYSTEM detected, and the demo shop selling.
/// </summary>
[Collection(QuietCollection.Name)]
public sealed class RestartTests(BrowserFixture browser) : IDisposable
{
    private const string AdminPassword = "Restart-Admin-Passw0rd!";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string dataRoot = PostgresClusterFixture.NewTempFolder("restarts");

    public void Dispose() => PostgresClusterFixture.TryDelete(dataRoot);

    [Fact]
    public async Task RestartedTwice_TheShopTargetIsMonitoredAfterEveryStart_EvenWhenItsPortMoves()
    {
        var timings = new List<string>();
        int? previousShopPort = null;
        for (var start = 0; start < 3; start++)
        {
            // The last start finds the shop cluster's port taken, so the cluster moves and the target must follow it.
            using var squatter = start == 2 ? Occupy(previousShopPort!.Value) : null;
            var figures = await RunOnceAsync(start);
            timings.Add($"start {start}: {figures.Text}");
            if (start == 2)
            {
                Assert.NotEqual(previousShopPort, figures.ShopPort);
                Assert.Contains($"\"port\": {figures.ShopPort}", figures.Rotations);
                Assert.DoesNotContain(File.ReadAllText(Path.Combine(dataRoot, "shop", "superuser.password")).Trim(), figures.Rotations);
            }
            previousShopPort = figures.ShopPort;
        }
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', timings));
        Console.WriteLine("Restart timings:\n" + string.Join('\n', timings));
    }

    private sealed record Figures(int ShopPort, string Rotations, TimeSpan Listening, TimeSpan Reachable, TimeSpan ChainDrawn, TimeSpan DriftDetected, TimeSpan PaidOrder)
    {
        public string Text => $"listening {Listening.TotalSeconds:0.0} s, target reachable {Reachable.TotalSeconds:0.0} s, chain drawn " +
            $"{ChainDrawn.TotalSeconds:0.0} s, 3 paid orders {PaidOrder.TotalSeconds:0.0} s, drift detected {DriftDetected.TotalSeconds:0.0} s (from process start)";
    }

    private async Task<Figures> RunOnceAsync(int start)
    {
        var startedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        var clock = Stopwatch.StartNew();
        // dotnet run, as a person starts it (its launch profile serves the Blazor framework's scripts from the build).
        await using var console = ConsoleProcess.Start(RepoPaths.Root, "run", "--project", "Console.Web", "--no-build", "-c", RepoPaths.Configuration, "--",
            "--urls", $"http://127.0.0.1:{ConsoleProcess.FreePort()}", "--Embedded:DataDirectory", dataRoot,
            "--Drift:Interval", "00:00:01", "--Bootstrap:AdminPassword", AdminPassword);
        var url = await console.WaitUntilListeningAsync(StartTimeout);
        var listening = clock.Elapsed;

        var storeConnection = SuperuserConnection("store", "opsconsole");
        var shopConnection = SuperuserConnection("shop", "shop");
        await using var store = await OpenAsync(storeConnection);
        await Poll.UntilAsync(() => ScalarAsync<bool>(store,
                $"SELECT coalesce(bool_and(\"Reachable\" AND \"LastCheckedAt\" >= '{startedAt:O}'), false) FROM targets WHERE \"Name\" = 'shop'"),
            reachable => reachable, Deadline, $"the shop target to be reachable after start {start}");
        var reachable = clock.Elapsed;

        Progress($"start {start}: listening after {listening.TotalSeconds:0.0} s, target reachable after {reachable.TotalSeconds:0.0} s");
        try
        {
            // The earlier start's ALTER SYSTEM left lock_timeout at a few ms: these sessions wait as long as it takes.
            await DrawAChainAsync(url, shopConnection + ";Options=-c lock_timeout=0");
        }
        catch
        {
            Progress(string.Join('\n', console.Output.Split('\n').TakeLast(40)));
            throw;
        }
        var chainDrawn = clock.Elapsed;

        await using (var shop = await OpenAsync(shopConnection))
            await Poll.UntilAsync(() => ScalarAsync<long>(shop, $"SELECT count(*) FROM orders WHERE status = 'paid' AND created_at >= '{startedAt:O}'"),
                paid => paid >= 3, Deadline, $"the demo shop to sell after start {start}");
        var paidOrder = clock.Elapsed;

        var milliseconds = 20 + start;
        await using (var shop = await OpenAsync(shopConnection))
        {
            // Two statements: ALTER SYSTEM refuses to run inside the implicit transaction of a multi-statement command.
            await ScalarAsync<object?>(shop, $"ALTER SYSTEM SET lock_timeout = '{milliseconds}ms'");
            await ScalarAsync<object?>(shop, "SELECT pg_reload_conf()");
        }
        await Poll.UntilAsync(() => ScalarAsync<long>(store,
                $"SELECT count(*) FROM config_changes WHERE \"Parameter\" = 'lock_timeout' AND \"Status\" = 'Detected' AND \"ValueAfter\" = '{milliseconds}'"),
            count => count == 1, Deadline, $"lock_timeout = {milliseconds}ms to be detected after start {start}");
        var driftDetected = clock.Elapsed;

        var rotations = await ScalarAsync<string>(store,
            "SELECT coalesce(string_agg(\"Details\"::text, ';'), '') FROM audit_entries WHERE \"Action\" = 'target.connection_rotated' AND \"Subject\" = 'target:shop'");

        await console.InterruptAsync();
        var exit = await console.WaitForExitAsync(TimeSpan.FromSeconds(60));
        // The whole error (message and stack) when there is one: a stop that logs an error must say which. Checked before
        // the exit code, which an error at the stop turns to 1 (a CI run saw only "1": the output is the evidence).
        var lines = console.Output.Split('\n');
        var first = Array.FindIndex(lines, l => l.Contains(" ERR] ") || l.Contains(" FTL] "));
        Assert.True(first < 0, string.Join('\n', lines.Skip(Math.Max(0, first - 3)).Take(40)));
        Assert.True(exit == 0, $"exit {exit}; the output's end:\n{string.Join('\n', lines.TakeLast(40))}");
        return new Figures(new NpgsqlConnectionStringBuilder(shopConnection).Port, rotations, listening, reachable, chainDrawn, driftDetected, paidOrder);
    }

    private static void Progress(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>Session A holds a row that B waits for: the Locks page draws B's arrow to A.</summary>
    private async Task DrawAChainAsync(Uri url, string shopConnection)
    {
        var page = await browser.NewPageAsync(url);
        try
        {
            await page.SignInAsync("admin", AdminPassword, $"/account/login?returnUrl={Uri.EscapeDataString("/locks?target=shop")}");
            await using var contention = await LockContention.StartAsync(shopConnection);
            var a = await contention.BeginAsync();
            var b = await contention.BeginAsync();
            await a.UpdateAsync(1);
            var bWaits = b.UpdateAsync(1);

            // Generous: the page shares two cores with the console, its two clusters and the demo shop's traffic.
            await Expect(page.Locator($"[data-testid=lock-edge][data-waiter='{b.Pid}'][data-blocker='{a.Pid}']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await Expect(page.GetByTestId($"lock-node-{a.Pid}")).ToHaveAttributeAsync("data-head", "true", new() { Timeout = 30_000 });

            await a.RollbackAsync();
            await bWaits;
            await b.RollbackAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The superuser of one of the embedded clusters, read from beside it as an operator on the machine could.</summary>
    private string SuperuserConnection(string cluster, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = int.Parse(File.ReadAllText(Path.Combine(dataRoot, cluster, "last.port")).Trim()),
        Username = "postgres",
        Password = File.ReadAllText(Path.Combine(dataRoot, cluster, "superuser.password")).Trim(),
        Database = database,
        Pooling = false,
    }.ConnectionString;

    private static TcpListener Occupy(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return listener;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default!;
    }
}
