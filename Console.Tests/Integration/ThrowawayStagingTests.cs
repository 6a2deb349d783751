using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The embedded default's staging: a real cluster created by the console under its data folder (a temporary one here),
/// rehearsable, with the demo shop in it, and removed again, also when the console that made it stopped.
/// </summary>
public sealed class ThrowawayStagingTests(ThrowawayStagingTests.Fixture fixture) : IClassFixture<ThrowawayStagingTests.Fixture>
{
    public sealed class Fixture(PostgresClusterFixture postgres) : IAsyncLifetime
    {
        public string DataFolder { get; } = PostgresClusterFixture.NewTempFolder("throwaway-staging");
        public string StoreConnectionString { get; private set; } = "";
        public ConsoleApp App { get; private set; } = null!;
        public Actor Dba { get; private set; } = null!;
        public Actor Viewer { get; private set; } = null!;

        private Dictionary<string, string?> Settings => new() { ["Embedded:DataDirectory"] = DataFolder, ["Locks:Enabled"] = "false" };

        public async ValueTask InitializeAsync()
        {
            StoreConnectionString = await postgres.CreateStoreAsync("throwaway");
            App = new ConsoleApp(StoreConnectionString, Settings);
            Dba = new Actor(await App.CreateUserAsync("dba", ConsoleWithTargetFixture.Password, Roles.Dba), "dba", [Roles.Dba]);
            Viewer = new Actor(await App.CreateUserAsync("viewer", ConsoleWithTargetFixture.Password, Roles.Viewer), "viewer", [Roles.Viewer]);
        }

        /// <summary>A database in a cluster the console did not make.</summary>
        public Task<string> OtherDatabaseAsync() => postgres.CreateTargetDatabaseAsync("kept");

        public ValueTask StopConsoleAsync() => App.DisposeAsync();

        /// <summary>Another console on the same store and data folder: the next start.</summary>
        public void StartConsole()
        {
            App = new ConsoleApp(StoreConnectionString, Settings);
            _ = App.Services;
        }

        public string ClusterFolder(Target target) =>
            Path.Combine(DataFolder, ThrowawayStagingClusters.Folder, ThrowawayStagingTargets.ShortIdOf(target.Name)!);

        public string ConnectionString(Target target) => App.Service<TargetConnections>().Unprotect(target) + ";Pooling=false";

        public async Task<Target> StoredAsync(Guid id)
        {
            await using var db = PostgresClusterFixture.ContextFor(StoreConnectionString);
            return await db.Targets.AsNoTracking().SingleAsync(t => t.Id == id);
        }

        public async Task<List<AuditEntry>> AuditAsync(string subject)
        {
            await using var db = PostgresClusterFixture.ContextFor(StoreConnectionString);
            return await db.AuditEntries.AsNoTracking().Where(e => e.Subject == subject).OrderBy(e => e.Sequence).ToListAsync();
        }

        public static async Task<bool> AnswersAsync(string connectionString)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3 }.ConnectionString);
                await connection.OpenAsync();
                return true;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            PostgresClusterFixture.TryDelete(DataFolder);
        }
    }

    private IThrowawayStaging Staging => fixture.App.Service<IThrowawayStaging>();

    [Fact]
    public async Task Create_ByDba_GivesARehearsableStagingClusterWithTheDemoShop()
    {
        Assert.True(Staging.Available, Staging.UnavailableReason);

        var target = await Staging.CreateAsync(fixture.Dba);
        try
        {
            var stored = await fixture.StoredAsync(target.Id);
            Assert.Equal(TargetEnvironment.Staging, stored.Environment);
            Assert.True(stored.IsThrowaway);
            Assert.Matches("^throwaway-staging-[0-9a-f]{8}$", stored.Name);
            Assert.Equal(target.Id, (await fixture.App.Service<StagingGuard>().DemandRehearsableAsync(target.Id, fixture.Dba)).Id);

            var connection = fixture.ConnectionString(target);
            Assert.Equal(ThrowawayStagingClusters.Role, await Sql.ScalarAsync<string>(connection, "SELECT current_user"));
            Assert.False(await Sql.ScalarAsync<bool>(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
            Assert.True(await Sql.ScalarAsync<long>(connection, "SELECT count(*) FROM products") > 0);
            Assert.True(await Sql.ScalarAsync<long>(connection, "SELECT count(*) FROM inventory") > 0);
            await Sql.ExecuteAsync(connection, "ALTER SYSTEM SET deadlock_timeout = '2s'", "SELECT pg_reload_conf()");
            await Poll.UntilAsync(() => Sql.ScalarAsync<string>(connection, "SHOW deadlock_timeout"), v => v == "2s", TimeSpan.FromSeconds(30), "deadlock_timeout = 2s");
            // What a rehearsal's snapshot reads: postgresql.auto.conf itself, not only what is in effect.
            var snapshot = await fixture.App.Service<SettingsRestorer>().SnapshotAsync(stored);
            Assert.Equal(SettingsSnapshot.FromFile, snapshot.AutoConfSource);
            Assert.Contains(new AutoConfEntry("deadlock_timeout", "2s"), snapshot.AutoConf);
            await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connection, "ALTER SYSTEM SET archive_command = 'true'"));

            var created = Assert.Single(await fixture.AuditAsync($"target:{target.Name}"), e => e.Action == ThrowawayStagingTargets.Created);
            Assert.Equal("dba", created.ActorName);
            Assert.Equal(AuditOutcome.Succeeded, created.Outcome);
        }
        finally
        {
            await Staging.RemoveAsync(fixture.Dba, target.Id);
        }
    }

    [Fact]
    public async Task Remove_StopsTheClusterDeletesItsFolderAndRetiresTheTarget_Audited()
    {
        var target = await Staging.CreateAsync(fixture.Dba);
        var connection = fixture.ConnectionString(target);
        Assert.True(Directory.Exists(fixture.ClusterFolder(target)));

        await Staging.RemoveAsync(fixture.Dba, target.Id);

        Assert.False(Directory.Exists(fixture.ClusterFolder(target)));
        Assert.False(await Fixture.AnswersAsync(connection));
        Assert.True((await fixture.StoredAsync(target.Id)).IsRetired);
        var entries = await fixture.AuditAsync($"target:{target.Name}");
        Assert.Equal([ThrowawayStagingTargets.Created, ThrowawayStagingTargets.Removed], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("dba", e.ActorName));
        var again = await Assert.ThrowsAsync<DomainRuleException>(() => Staging.RemoveAsync(fixture.Dba, target.Id));
        Assert.Contains("was removed already", again.Message);
    }

    /// <summary>One click makes the cluster; the rehearsal on it runs, reports, reverts, and then removes it.</summary>
    [Fact]
    public async Task ARehearsalOnAThrowawayCluster_RunsThere_AndRemovesTheClusterWhenItEnds()
    {
        var production = await fixture.App.Service<TargetRegistry>().RegisterAsync(Actor.System, $"prod-{Guid.NewGuid():N}"[..13],
            TargetEnvironment.Production, await fixture.OtherDatabaseAsync());
        var change = await fixture.App.Service<ChangeRegistry>().RegisterSettingAsync(fixture.Dba, new SettingChangeRequest(production, "work_mem", "8MB",
            new ChangeDetails("More memory per sort", "Fewer temp files", null, ChangeRisk.Medium, null), true));
        var profile = RehearsalProfileDefaults.Peak with { Name = $"Throwaway {Guid.NewGuid():N}"[..20], Duration = TimeSpan.FromSeconds(10), Rounds = 1 };
        await fixture.App.Service<RehearsalProfiles>().SaveAsync(fixture.Dba, null, profile);
        var target = await Staging.CreateAsync(fixture.Dba);

        var rehearsals = fixture.App.Service<RehearsalService>();
        var started = await rehearsals.StartAsync(fixture.Dba, new RehearsalRequest(change.Number, target.Id, profile.Name));
        var ended = await Poll.UntilAsync(() => rehearsals.GetAsync(started.Id), r => r is { IsUnderWay: false }, TimeSpan.FromMinutes(3), "the rehearsal to end");

        Assert.True(ended!.Status is RehearsalStatus.Passed or RehearsalStatus.Failed, $"{ended.Status}: {ended.Reason}");
        Assert.True(ended.RevertExact, ended.RevertOutcome);
        Assert.True(ended.ReadReport()!.Baseline.Single().Attempted > 0);
        await Poll.UntilAsync(() => fixture.StoredAsync(target.Id), t => t.IsRetired, TimeSpan.FromMinutes(1), "the throwaway target to be retired");
        Assert.False(Directory.Exists(fixture.ClusterFolder(target)));
        Assert.Contains(await fixture.AuditAsync($"target:{target.Name}"), e => e.Action == ThrowawayStagingTargets.Removed && e.ActorName == "system");
    }

    [Fact]
    public async Task Remove_WhileARehearsalHoldsTheTarget_IsRefusedAndKeepsTheCluster()
    {
        var target = await Staging.CreateAsync(fixture.Dba);
        try
        {
            await using (await fixture.App.Service<StoreLocks>().TryTakeAsync(ThrowawayStagingTargets.RehearsalLockName(target.Id), CancellationToken.None))
            {
                var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Staging.RemoveAsync(fixture.Dba, target.Id));
                Assert.Contains("A rehearsal is running on", refusal.Message);
            }
            Assert.True(await Fixture.AnswersAsync(fixture.ConnectionString(target)));
            Assert.False((await fixture.StoredAsync(target.Id)).IsRetired);
        }
        finally
        {
            await Staging.RemoveAsync(fixture.Dba, target.Id);
        }
    }

    [Fact]
    public async Task Create_ByViewer_IsRefusedAudited_AndCreatesNothing()
    {
        var before = Directory.Exists(Path.Combine(fixture.DataFolder, ThrowawayStagingClusters.Folder))
            ? Directory.GetDirectories(Path.Combine(fixture.DataFolder, ThrowawayStagingClusters.Folder)).Length : 0;

        await Assert.ThrowsAsync<AccessDeniedException>(() => Staging.CreateAsync(fixture.Viewer));

        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var refusal = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence)
            .LastAsync(e => e.Action == ThrowawayStagingTargets.Created && e.ActorName == "viewer");
        Assert.Equal(AuditOutcome.Refused, refusal.Outcome);
        Assert.False(await db.Targets.AnyAsync(t => t.Name == refusal.Subject.Substring("target:".Length)));
        var after = Directory.Exists(Path.Combine(fixture.DataFolder, ThrowawayStagingClusters.Folder))
            ? Directory.GetDirectories(Path.Combine(fixture.DataFolder, ThrowawayStagingClusters.Folder)).Length : 0;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Remove_OfATargetThatIsNotThrowaway_IsRefused()
    {
        var registered = await fixture.App.Service<TargetRegistry>().RegisterAsync(Actor.System, $"kept-{Guid.NewGuid():N}"[..13],
            TargetEnvironment.Staging, await fixture.OtherDatabaseAsync());

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Staging.RemoveAsync(fixture.Dba, registered));

        Assert.Contains("is not a throwaway staging cluster", refusal.Message);
        Assert.False((await fixture.StoredAsync(registered)).IsRetired);
    }
}

/// <summary>The next start after a console that made a throwaway cluster stopped (a class of its own: it stops its console).</summary>
public sealed class ThrowawayStagingLeftoverTests(ThrowawayStagingTests.Fixture fixture) : IClassFixture<ThrowawayStagingTests.Fixture>
{
    private IThrowawayStaging Staging => fixture.App.Service<IThrowawayStaging>();

    [Fact]
    public async Task AClusterLeftRunningByAConsoleThatStopped_IsRemovedAtTheNextStart()
    {
        var target = await Staging.CreateAsync(fixture.Dba);
        var connection = fixture.ConnectionString(target);
        var folder = fixture.ClusterFolder(target);
        var snapshot = await fixture.App.Service<SettingsRestorer>().SnapshotAsync(await fixture.StoredAsync(target.Id));
        await fixture.StopConsoleAsync();
        Assert.False(await ThrowawayStagingTests.Fixture.AnswersAsync(connection));
        Assert.True(Directory.Exists(folder));
        // As after kill -9: the server runs on, and no process owns its folder any more.
        await StartServerBehindTheConsolesBackAsync(folder);
        Assert.True(await ThrowawayStagingTests.Fixture.AnswersAsync(connection));
        // An interrupted rehearsal's revert plan on it; held away from the console's own reverts, so that only the removal closes it.
        await using var store = new NpgsqlConnection(fixture.StoreConnectionString + ";Pooling=false");
        await store.OpenAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock($1)", store) { Parameters = { new() { Value = StoreLocks.KeyOf(StagingRevertOnStart.LockName) } } })
            await hold.ExecuteNonQueryAsync();
        var plan = new StagingRevertPlan(target.Id, Guid.NewGuid(), Guid.NewGuid(), snapshot, DateTimeOffset.UtcNow);
        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
        {
            db.StagingRevertPlans.Add(plan);
            await db.SaveChangesAsync();
        }

        fixture.StartConsole();

        await Poll.UntilAsync(() => fixture.StoredAsync(target.Id), t => t.IsRetired, TimeSpan.FromSeconds(60), "the leftover cluster's target retired");
        Assert.False(Directory.Exists(folder));
        Assert.False(await ThrowawayStagingTests.Fixture.AnswersAsync(connection));
        var removed = Assert.Single(await fixture.AuditAsync($"target:{target.Name}"), e => e.Action == ThrowawayStagingTargets.Removed);
        Assert.Equal("system", removed.ActorName);
        Assert.Contains("left behind", removed.Details);
        await using (var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString))
        {
            var closed = await db.StagingRevertPlans.AsNoTracking().SingleAsync(p => p.Id == plan.Id);
            Assert.True(closed.IsReverted);
            Assert.Contains("the throwaway staging cluster was removed", closed.Outcome);
        }
    }

    private static async Task StartServerBehindTheConsolesBackAsync(string folder)
    {
        var port = (await File.ReadAllTextAsync(Path.Combine(folder, "last.port"))).Trim();
        var start = await ProcessRunner.RunAsync(PostgresBinaries.Locate().PgCtl,
            ["start", "-D", Path.Combine(folder, "pgdata"), "-w", "-t", "60", "-l", Path.Combine(folder, "postgres.log"), "-o", $"-p {port}"],
            Environment.IsPrivilegedProcess ? "postgres" : null);
        Assert.True(start.ExitCode == 0, $"pg_ctl start: {start.Output}\n{await File.ReadAllTextAsync(Path.Combine(folder, "postgres.log"))}");
    }
}
