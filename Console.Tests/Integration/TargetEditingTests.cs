using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Editing targets on a real target cluster: rotation tried before it is saved, the store's cluster refused, pause, retire.</summary>
public sealed class TargetEditingTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private const string SamplerSessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'OpsConsole lock sampler' AND datname = '{0}'";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private TargetRegistry Targets => fixture.App.Service<TargetRegistry>();

    [Fact]
    public async Task Rotate_ToAWorkingConnection_IsTriedThenSaved_AndAuditedWithoutThePassword()
    {
        const string password = "Rotated-Passw0rd-7731";
        await fixture.ExecuteOnTargetAsync($"CREATE ROLE console_rotated LOGIN SUPERUSER PASSWORD '{password}'");
        var rotated = new NpgsqlConnectionStringBuilder(fixture.TargetConnectionString) { Username = "console_rotated", Password = password };
        var updates = Record<TargetUpdated>();

        await Targets.RotateConnectionAsync(Actor.System, fixture.TargetId, rotated.ConnectionString);

        var target = await Targets.GetAsync(fixture.TargetId);
        Assert.Equal("console_rotated", new NpgsqlConnectionStringBuilder(fixture.App.Service<TargetConnections>().Unprotect(target)).Username);
        Assert.DoesNotContain(password, target.ProtectedConnectionString);
        Assert.True(target.Reachable);
        var entry = (await AuditAsync("target:shop")).Last(e => e.Action == "target.connection_rotated");
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Contains("console_rotated", entry.Details);
        Assert.DoesNotContain(password, entry.Details);
        Assert.Contains(updates, e => e.TargetId == fixture.TargetId);
    }

    [Fact]
    public async Task Rotate_WithAWrongPassword_SavesNothing_AndSaysWhyWithoutTheSecret()
    {
        const string wrong = "Wrong-Secret-4471";
        var before = await Targets.GetAsync(fixture.TargetId);
        var bad = new NpgsqlConnectionStringBuilder(fixture.TargetConnectionString) { Password = wrong };

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => Targets.RotateConnectionAsync(Actor.System, fixture.TargetId, bad.ConnectionString));

        Assert.Equal("ConnectionString", refused.Field);
        Assert.Contains("password authentication failed", refused.Message);
        Assert.Contains("Nothing was saved", refused.Message);
        Assert.DoesNotContain(wrong, refused.Message);
        Assert.Equal(before.ProtectedConnectionString, (await Targets.GetAsync(fixture.TargetId)).ProtectedConnectionString);
    }

    [Fact]
    public async Task Rotate_ToAPortNobodyListensOn_SavesNothing_AndSaysSoPlainly()
    {
        var before = await Targets.GetAsync(fixture.TargetId);
        var dead = new NpgsqlConnectionStringBuilder(fixture.TargetConnectionString) { Port = FreePort(), Password = "Dead-Port-Secret-1" };

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => Targets.RotateConnectionAsync(Actor.System, fixture.TargetId, dead.ConnectionString));

        Assert.Contains($"Could not connect to 127.0.0.1:{dead.Port}", refused.Message);
        Assert.DoesNotContain("Dead-Port-Secret-1", refused.Message);
        Assert.Equal(before.ProtectedConnectionString, (await Targets.GetAsync(fixture.TargetId)).ProtectedConnectionString);
    }

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("localhost", null)]
    [InlineData("localhost", "postgres")]
    public async Task Register_TheStoreOrAnyDatabaseOfItsCluster_IsRefused_WhateverTheHostIsCalled(string host, string? database)
    {
        var store = new NpgsqlConnectionStringBuilder(fixture.StoreConnectionString) { Host = host };
        if (database is not null)
            store.Database = database;
        var name = $"store-{Guid.NewGuid():N}"[..16];

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => Targets.RegisterAsync(Actor.System, name, TargetEnvironment.Other, store.ConnectionString));

        Assert.Equal("ConnectionString", refused.Field);
        Assert.Contains("cluster that holds the console's own store", refused.Message);
        Assert.DoesNotContain((await Targets.ListAsync(includeRetired: true)), t => t.Name == name);
        Assert.Equal(AuditOutcome.Refused, Assert.Single(await AuditAsync($"target:{name}")).Outcome);
    }

    [Fact]
    public async Task Rotate_ToTheStoresCluster_IsRefused()
    {
        var before = await Targets.GetAsync(fixture.TargetId);

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() =>
            Targets.RotateConnectionAsync(Actor.System, fixture.TargetId, fixture.StoreConnectionString));

        Assert.Contains("cluster that holds the console's own store", refused.Message);
        Assert.Equal(before.ProtectedConnectionString, (await Targets.GetAsync(fixture.TargetId)).ProtectedConnectionString);
    }

    [Fact]
    public async Task Register_TheStoresCluster_AsARoleThatMayNotReadTheSystemIdentifier_IsStillRefused()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (database, role, password) = ($"probe_{suffix}", $"probe_{suffix}", "Probe-Passw0rd-1");
        await Sql.ExecuteAsync(fixture.StoreSuperuserConnectionString, $"CREATE DATABASE {database}", $"CREATE ROLE {role} LOGIN PASSWORD '{password}'");
        var other = new NpgsqlConnectionStringBuilder(fixture.StoreSuperuserConnectionString) { Database = database };
        await Sql.ExecuteAsync(other.ConnectionString, "REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC");
        var asRole = new NpgsqlConnectionStringBuilder(other.ConnectionString) { Username = role, Password = password };
        var denied = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(asRole.ConnectionString, "SELECT pg_control_system()"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

        var refused = await Assert.ThrowsAsync<DomainRuleException>(() =>
            Targets.RegisterAsync(Actor.System, $"probe-{suffix}", TargetEnvironment.Other, asRole.ConnectionString));

        Assert.Contains("cluster that holds the console's own store", refused.Message);
    }

    [Fact]
    public async Task Pause_StopsLockSamplingAndDriftChecks_AndResumeStartsThemAgain()
    {
        var sessions = string.Format(SamplerSessions, "shop");
        await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync(sessions), n => (long)n! == 1, Wait, "the lock sampler's session");
        // Drift is a difference from the first snapshot: a change made before the detector's first look is its baseline,
        // and when this test ran first on a loaded machine, the first look came only after the resume.
        await Poll.UntilAsync(SnapshotTakenAsync, taken => taken, Wait, "the drift detector's first snapshot");
        try
        {
            await Targets.PauseAsync(Actor.System, fixture.TargetId);

            await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync(sessions), n => (long)n! == 0, Wait, "the lock sampler to close its session");
            Assert.Equal(TargetState.Paused, (await Targets.ListAsync()).Single(t => t.Id == fixture.TargetId).State);
            // A setting no other test of this class touches, so that nobody sets it back before this console looks again.
            await fixture.ExecuteOnTargetAsync("ALTER SYSTEM SET geqo_threshold = 13", "SELECT pg_reload_conf()");
            await Poll.UntilAsync(() => fixture.ShowAsync("geqo_threshold"), v => v == "13", Wait, "the out-of-band change to show");
            await fixture.App.Service<DriftDetector>().CheckAllAsync(CancellationToken.None);
            Assert.False(await DetectedAsync("geqo_threshold"));
        }
        finally
        {
            await Targets.ResumeAsync(Actor.System, fixture.TargetId);
        }

        await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync(sessions), n => (long)n! == 1, Wait, "the lock sampler back");
        await Poll.UntilAsync(() => DetectedAsync("geqo_threshold"), found => found, Wait, "the change made while paused, detected once resumed");
        Assert.Equal(["target.paused", "target.resumed"],
            (await AuditAsync("target:shop")).Select(e => e.Action).Where(a => a is "target.paused" or "target.resumed").TakeLast(2));
    }

    [Fact]
    public async Task Retire_KeepsHistoryAndName_LeavesPickersAndSamplers_AndTakesNoMoreChanges()
    {
        await fixture.TargetCluster.EnsureDatabaseAsync("retiree");
        var id = await Targets.RegisterAsync(Actor.System, "retiree", TargetEnvironment.Staging, fixture.TargetCluster.ConnectionString("retiree"));
        var change = await fixture.App.Service<ChangeRegistry>().RegisterExternalAsync(fixture.Dba1, new ExternalChangeRequest(id,
            "Resize the pool", "Put the pool back", null, new ChangeDetails("Pool 40", "Peak rehearsal", null, ChangeRisk.Low, null)));
        var sessions = string.Format(SamplerSessions, "retiree");
        await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync(sessions), n => (long)n! == 1, Wait, "the retiree's lock sampler");

        await Targets.RetireAsync(Actor.System, id, "Moved to the new billing cluster");

        await Poll.UntilAsync(() => fixture.ScalarOnTargetAsync(sessions), n => (long)n! == 0, Wait, "the retiree's sampler to stop");
        Assert.DoesNotContain(await Targets.ListAsync(), t => t.Id == id);
        Assert.Equal(TargetState.Retired, (await Targets.ListAsync(includeRetired: true)).Single(t => t.Id == id).State);
        Assert.NotNull(await fixture.App.Service<ChangeRegistry>().GetAsync(change.Id));
        Assert.Contains(await AuditAsync($"change:{change.Number}"), e => e.Action == "change.registered");
        Assert.Contains(await AuditAsync("target:retiree"), e => e.Action == "target.retired" && e.Details.Contains("new billing cluster"));

        var again = await Assert.ThrowsAsync<DomainRuleException>(() =>
            Targets.RegisterAsync(Actor.System, "retiree", TargetEnvironment.Staging, fixture.TargetCluster.ConnectionString("retiree")));
        Assert.Contains("retired target", again.Message);
        await Assert.ThrowsAsync<DomainRuleException>(() => Targets.ResumeAsync(Actor.System, id));
        await Assert.ThrowsAsync<DomainRuleException>(() => Targets.RotateConnectionAsync(Actor.System, id, fixture.TargetCluster.ConnectionString("retiree")));
        await Assert.ThrowsAsync<DomainRuleException>(() => fixture.App.Service<ChangeRegistry>().RegisterExternalAsync(fixture.Dba1,
            new ExternalChangeRequest(id, "Again", "Back", null, new ChangeDetails("Again", "Because", null, ChangeRisk.Low, null))));
    }

    [Fact]
    public async Task ChangeEnvironment_IsAudited_AndAnnounced()
    {
        var updates = Record<TargetUpdated>();
        var before = (await Targets.GetAsync(fixture.TargetId)).Environment;
        var after = before == TargetEnvironment.Staging ? TargetEnvironment.Production : TargetEnvironment.Staging;

        await Targets.ChangeEnvironmentAsync(Actor.System, fixture.TargetId, after);

        Assert.Equal(after, (await Targets.GetAsync(fixture.TargetId)).Environment);
        var entry = (await AuditAsync("target:shop")).Last(e => e.Action == "target.environment_changed");
        Assert.Contains(after.ToString(), entry.Details);
        Assert.Contains(updates, e => e.TargetId == fixture.TargetId);
    }

    [Fact]
    public async Task EveryEdit_ByANonAdmin_IsRefused_AndTheRefusalAuditedUnderTheTargetsName()
    {
        var before = await Targets.GetAsync(fixture.TargetId);
        Func<Task>[] edits =
        [
            () => Targets.PauseAsync(fixture.Dba1, fixture.TargetId),
            () => Targets.ResumeAsync(fixture.Dba1, fixture.TargetId),
            () => Targets.RetireAsync(fixture.Dba1, fixture.TargetId, "no"),
            () => Targets.ChangeEnvironmentAsync(fixture.Dba1, fixture.TargetId, TargetEnvironment.Other),
            () => Targets.RotateConnectionAsync(fixture.Dba1, fixture.TargetId, fixture.TargetConnectionString),
            () => Targets.SetScriptRoleAsync(fixture.Dba1, fixture.TargetId, "shop_scripts"),
            () => Targets.SetAllowDangerousSettingsAsync(fixture.Viewer, fixture.TargetId, true),
        ];

        foreach (var edit in edits)
            await Assert.ThrowsAsync<AccessDeniedException>(edit);

        var refusals = (await AuditAsync("target:shop")).Where(e => e.Outcome == AuditOutcome.Refused).TakeLast(edits.Length).Select(e => e.Action);
        Assert.Equal(["target.paused", "target.resumed", "target.retired", "target.environment_changed", "target.connection_rotated",
            "target.script_role_changed", "target.dangerous_settings_changed"], refusals);
        var after = await Targets.GetAsync(fixture.TargetId);
        Assert.Equal((before.PausedAt, before.RetiredAt, before.Environment, before.ScriptRole, before.AllowDangerousSettings, before.ProtectedConnectionString),
            (after.PausedAt, after.RetiredAt, after.Environment, after.ScriptRole, after.AllowDangerousSettings, after.ProtectedConnectionString));
    }

    private List<T> Record<T>() where T : OpsEvent
    {
        var seen = new List<T>();
        fixture.App.Service<LiveEvents>().Subscribe(e =>
        {
            if (e is T t)
                lock (seen) seen.Add(t);
            return Task.CompletedTask;
        });
        return seen;
    }

    private async Task<bool> DetectedAsync(string parameter)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Changes.AnyAsync(c => c.TargetId == fixture.TargetId && c.Status == ChangeStatus.Detected && c.Parameter == parameter);
    }

    private async Task<bool> SnapshotTakenAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.SettingSnapshots.AnyAsync(s => s.TargetId == fixture.TargetId);
    }

    private async Task<List<AuditEntry>> AuditAsync(string subject)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == subject).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
