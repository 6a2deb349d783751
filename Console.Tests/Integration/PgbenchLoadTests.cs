using System.Diagnostics;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Workloads;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// A profile's own SQL scripts run by the real pgbench 15 on a real staging cluster: weighted scripts give figures that
/// add up and match what the scripts did to the data; two scripts taking the same rows in opposite orders deadlock, and
/// with one try each deadlock is a failed transaction and a deadlock in pg_stat_database; a cancelled run leaves no
/// session; a broken script is refused with pgbench's words; a scripted profile is stored and read back as it was.
/// </summary>
[Collection(QuietCollection.Name)]
public sealed class PgbenchLoadTests(RehearsalFixture fixture, ITestOutputHelper output) : IClassFixture<RehearsalFixture>, IAsyncLifetime
{
    private const string SessionsOfRuns = "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'OpsConsole rehearsal pgbench%'";

    private static readonly SqlScript Pay = new("pay", 3, "\\set id random(1, 100)\nUPDATE hot SET n = n + 1 WHERE id = :id;");
    private static readonly SqlScript Browse = new("browse", 1, "SELECT sum(n) FROM hot;");

    private static readonly RehearsalProfileSettings Scripted = RehearsalProfileDefaults.Peak with
    {
        Name = "Scripted", RatePerSecond = 10, PeakMultiplier = 2, ConcurrentShoppers = 4, Duration = TimeSpan.FromSeconds(15), Scripts = [Pay, Browse],
    };

    private PgbenchLoad Load => fixture.App.Service<PgbenchLoad>();

    public async ValueTask InitializeAsync() => await fixture.ExecuteOnTargetAsync(
        "DROP TABLE IF EXISTS hot",
        "CREATE TABLE hot (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO hot (id) SELECT g FROM generate_series(1, 100) g");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task WeightedScripts_RunByPgbench_GiveFiguresThatAddUp_AndMatchTheData()
    {
        var seen = new List<LoadProgress>();

        var run = await Load.RunScriptsAsync(fixture.TargetConnectionString, Scripted, Scripted.Duration, p => { lock (seen) seen.Add(p); },
            TestContext.Current.CancellationToken);

        var f = Print(run);
        Assert.True(f.Attempted > 0);
        Assert.Equal(f.Attempted, f.Series.Sum(s => s.Attempts));
        Assert.Equal(f.Failed, f.Series.Sum(s => s.Failures));
        Assert.Equal(f.Attempted, run.Scripts.Sum(s => s.Attempted));
        Assert.Equal(["pay", "browse"], run.Scripts.Select(s => s.Name));
        Assert.All(run.Scripts, s => Assert.True(s.Attempted > 0, $"{s.Name} ran"));
        // Every committed "pay" added one to a row, and nothing else wrote: the log and the data tell the same story.
        var pay = run.Scripts[0];
        Assert.Equal(pay.Attempted - pay.Failed, Convert.ToInt64(await fixture.ScalarOnTargetAsync("SELECT sum(n) FROM hot")));
        // Single-statement transactions on one row each cannot deadlock.
        Assert.Equal(0, f.Deadlocks);
        Assert.NotNull(f.P50Ms);
        Assert.True(f.P50Ms <= f.P95Ms && f.P95Ms <= f.P99Ms);
        // With -R, pgbench ends as soon as the next scheduled transaction would fall past -T: a few milliseconds early at most.
        Assert.True(f.Elapsed >= Scripted.Duration - TimeSpan.FromSeconds(1) && f.Elapsed < Scripted.Duration + TimeSpan.FromSeconds(30), $"{f.Elapsed}");
        Assert.Contains(seen, p => p.Attempted > 0 && p.LastSecond is { Attempts: > 0 } && p.Duration == Scripted.Duration);
        Assert.Equal(0L, Convert.ToInt64(await fixture.ScalarOnTargetAsync(SessionsOfRuns)));
    }

    [Fact]
    public async Task ScriptsTakingRowsInOppositeOrders_WithOneTry_FailAsDeadlocks_CountedInPgStatDatabase()
    {
        const string template = "BEGIN;\nUPDATE hot SET n = n + 1 WHERE id = {0};\nSELECT pg_sleep(0.1);\nUPDATE hot SET n = n + 1 WHERE id = {1};\nEND;";
        var profile = Scripted with
        {
            RatePerSecond = 5, MaxTries = 1,
            Scripts = [new("one then two", 1, string.Format(template, 1, 2)), new("two then one", 1, string.Format(template, 2, 1))],
        };

        var f = Print(await Load.RunScriptsAsync(fixture.TargetConnectionString, profile, TimeSpan.FromSeconds(10), null, TestContext.Current.CancellationToken));

        var deadlockFailures = f.FailuresByClass[ErrorClasses.DbDeadlock];
        Assert.True(deadlockFailures > 0, "deadlock victims failed");
        // With one try, every deadlock victim pgbench saw is a failed transaction of the run and a deadlock the server counted
        // (nothing else ran on the database). The server may count a few more: a pair still waiting when -T ends is cut off
        // by pgbench unlogged, and its sessions are still broken by the deadlock detector on the way out.
        Assert.InRange(f.Deadlocks, deadlockFailures, deadlockFailures + profile.ConcurrentShoppers);
        // Each pair waited up to deadlock_timeout (1 s) before the server broke it; the samples saw some of it.
        Assert.True(f.LongestLockWait > TimeSpan.Zero);
    }

    [Fact]
    public async Task ARunCancelledMidway_KillsPgbenchAndThrows_LeavingNoSessionBehind()
    {
        using var cancel = new CancellationTokenSource();
        var slow = Scripted with { Scripts = [Pay, new("linger", 1, "BEGIN;\nSELECT sum(n) FROM hot;\nSELECT pg_sleep(0.5);\nEND;")] };
        var seen = new List<LoadProgress>();
        var foldersBefore = RunFolders();
        var aliveWhileRunning = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Load.RunAsync(fixture.TargetConnectionString, slow, TimeSpan.FromMinutes(5), p =>
        {
            lock (seen)
                seen.Add(p);
            if (p.Attempted >= 10 && !cancel.IsCancellationRequested)
            {
                aliveWhileRunning = APgbenchOfARunIsAlive();
                cancel.Cancel();
            }
        }, cancel.Token));

        Assert.Contains(seen, p => p.Attempted >= 10 && p.Elapsed < TimeSpan.FromMinutes(5));
        Assert.True(aliveWhileRunning, "the probe sees a run's pgbench");
        Assert.False(APgbenchOfARunIsAlive(), "pgbench was killed before the run threw");
        await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync(SessionsOfRuns), n => Convert.ToInt64(n) == 0, TimeSpan.FromSeconds(15), "the run's sessions to end");
        Assert.Empty(RunFolders().Except(foldersBefore)); // the scripts and the log went with it
    }

    [Theory]
    [InlineData("SELEC 1;", "syntax error at or near \"SELEC\"")]
    [InlineData("\\set id random(1\nSELECT :id;", "syntax error in command \"set\"")]
    [InlineData("SELECT * FROM no_such_table;", "relation \"no_such_table\" does not exist")]
    public async Task ABrokenScript_EndsTheRun_WithPgbenchsErrorNamingTheScript(string sql, string error)
    {
        var broken = Scripted with { Scripts = [Browse, new("broken", 1, sql)] };

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() =>
            Load.RunAsync(fixture.TargetConnectionString, broken, TimeSpan.FromSeconds(10), null, TestContext.Current.CancellationToken));

        output.WriteLine(refused.Message);
        Assert.Contains(error, refused.Message);
        Assert.Contains("\"broken\"", refused.Message);
        Assert.Equal("Scripts", refused.Field);
        await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync(SessionsOfRuns), n => Convert.ToInt64(n) == 0, TimeSpan.FromSeconds(15), "the run's sessions to end");
    }

    [Fact]
    public async Task RehearsalWorkloads_RunsAScriptedProfileByPgbench_AndTheDemoShopOtherwise()
    {
        var workloads = fixture.App.Service<RehearsalWorkloads>();
        var broken = Scripted with { Scripts = [new("broken", 1, "SELEC 1;")] };

        // Only pgbench names a script in its refusal.
        var refused = await Assert.ThrowsAsync<DomainRuleException>(() =>
            workloads.RunAsync(fixture.TargetConnectionString, broken, TimeSpan.FromSeconds(10), null, TestContext.Current.CancellationToken));
        Assert.Contains("\"broken\"", refused.Message);

        var shop = await workloads.RunAsync(fixture.TargetConnectionString, Scripted with { Scripts = [] }, TimeSpan.FromSeconds(3), null,
            TestContext.Current.CancellationToken);
        Assert.True(shop.Attempted > 0);
        Assert.True(Convert.ToInt64(await fixture.ScalarOnTargetAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'")) > 0,
            "the demo shop's schema was made");
    }

    [Fact]
    public async Task AScriptedProfile_IsStoredAndReadBackAsItWas_AndABadScriptIsRefusedNamingItsField()
    {
        var dba = new Actor("pgbench-dba", "pgbench-dba", [Roles.Dba]);
        var profiles = fixture.App.Service<RehearsalProfiles>();
        var settings = Scripted with { Name = "Team checkout", MaxTries = 5 };

        var id = await profiles.SaveAsync(dba, null, settings);
        var refused = await Assert.ThrowsAsync<DomainRuleException>(() =>
            profiles.SaveAsync(dba, id, settings with { Scripts = [Pay, Browse with { Weight = 0 }] }));

        Assert.Equal("Scripts[1].Weight", refused.Field);
        var stored = (await profiles.GetAsync(id)).Settings;
        Assert.Equal(settings, stored);
        Assert.Equal((5, "\\set id random(1, 100)\nUPDATE hot SET n = n + 1 WHERE id = :id;"), (stored.MaxTries, stored.Scripts[0].Sql));
        Assert.Empty((await profiles.GetAsync(RehearsalProfileDefaults.PeakId)).Settings.Scripts);
    }

    /// <summary>A pgbench process started by a run (its environment names the run), read from /proc.</summary>
    private static bool APgbenchOfARunIsAlive() => Process.GetProcessesByName("pgbench").Any(p =>
    {
        try
        {
            return File.ReadAllText($"/proc/{p.Id}/environ").Contains("PGAPPNAME=OpsConsole rehearsal pgbench", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // gone meanwhile
        }
    });

    private static string[] RunFolders() => Directory.GetDirectories(Path.GetTempPath(), "opsconsole-pgbench-*");

    private RunFigures Print(PgbenchRun run)
    {
        Print(run.Figures);
        output.WriteLine($"  by script: {string.Join(", ", run.Scripts.Select(s => $"{s.Name} {s.Attempted} ({s.Failed} failed)"))}");
        return run.Figures;
    }

    private RunFigures Print(RunFigures f)
    {
        output.WriteLine($"{f.Elapsed.TotalSeconds:0.0} s: {f.Attempted} transactions, {f.Failed} failed ({f.FailureRate:P1}), {f.ThroughputPerSecond:0.0}/s; " +
            $"by class: {string.Join(", ", f.FailuresByClass.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))}; deadlocks {f.Deadlocks}, " +
            $"longest lock wait {f.LongestLockWait.TotalSeconds:0.0} s; p50/p95/p99 {f.P50Ms:0.0}/{f.P95Ms:0.0}/{f.P99Ms:0.0} ms");
        return f;
    }
}
