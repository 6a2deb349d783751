using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>What a change may do on its target: run as the script role, within its one transaction, without dangerous settings.</summary>
public sealed class TargetSafetyTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();
    private TargetRegistry Targets => fixture.App.Service<TargetRegistry>();

    [Fact]
    public async Task ASqlChange_RunsAsTheScriptRole_AndFailsWhereThatRoleHasNoRight()
    {
        await fixture.ExecuteOnTargetAsync(
            "CREATE ROLE shop_scripts NOLOGIN", "GRANT CREATE ON SCHEMA public TO shop_scripts",
            "CREATE TABLE payroll (employee text, salary int)");
        await Targets.SetScriptRoleAsync(Actor.System, fixture.TargetId, "shop_scripts");
        try
        {
            var allowed = await ApplySqlAsync("CREATE TABLE gift_cards (code text primary key)", "DROP TABLE gift_cards");
            Assert.True(allowed.Succeeded, allowed.Message);
            Assert.Equal("shop_scripts", await fixture.ScalarOnTargetAsync("SELECT tableowner FROM pg_tables WHERE tablename = 'gift_cards'"));

            var forbidden = await ApplySqlAsync("CREATE TABLE audit_copy (x int); INSERT INTO payroll VALUES ('mallory', 1000000)", "SELECT 1");

            Assert.False(forbidden.Succeeded);
            Assert.Contains("permission denied for table payroll", forbidden.Message);
            Assert.Equal(0L, await fixture.ScalarOnTargetAsync("SELECT count(*) FROM payroll"));
            Assert.Equal(0L, await fixture.ScalarOnTargetAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'audit_copy'"));
        }
        finally
        {
            await Targets.SetScriptRoleAsync(Actor.System, fixture.TargetId, null);
        }
    }

    [Fact]
    public async Task AScriptRole_ThatIsMissingOrASuperuserOrReachesServerPrograms_IsRefused()
    {
        await fixture.ExecuteOnTargetAsync("CREATE ROLE scripts_super SUPERUSER NOLOGIN",
            "CREATE ROLE scripts_programs NOLOGIN", "GRANT pg_execute_server_program TO scripts_programs");

        var missing = await Assert.ThrowsAsync<DomainRuleException>(() => Targets.SetScriptRoleAsync(Actor.System, fixture.TargetId, "no_such_role"));
        var super = await Assert.ThrowsAsync<DomainRuleException>(() => Targets.SetScriptRoleAsync(Actor.System, fixture.TargetId, "scripts_super"));
        var programs = await Assert.ThrowsAsync<DomainRuleException>(() => Targets.SetScriptRoleAsync(Actor.System, fixture.TargetId, "scripts_programs"));

        Assert.Contains("does not exist", missing.Message);
        Assert.Contains("is a superuser", super.Message);
        Assert.Contains("pg_execute_server_program", programs.Message);
        Assert.Null((await Targets.GetAsync(fixture.TargetId)).ScriptRole);
    }

    [Fact]
    public async Task AScriptThatCommits_IsRefusedAtRegistration()
    {
        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "CREATE TABLE early (id int);\nCOMMIT;\nDROP TABLE orders;", "DROP TABLE early", Details("Early commit"))));

        Assert.Equal("ForwardScript", refused.Field);
        Assert.Contains("Statement 2 (COMMIT)", refused.Message);
    }

    [Fact]
    public async Task AScriptThatCommits_SmuggledPastRegistration_IsRefusedAtApply_WithNothingRun()
    {
        var change = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "CREATE TABLE smuggled (id int)", "DROP TABLE smuggled", Details("Smuggled"), SubmitForReview: true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        // As someone with write access to the store would: the script changes after its review.
        await using (var store = new NpgsqlConnection(fixture.StoreConnectionString + ";Pooling=false"))
        {
            await store.OpenAsync();
            await using var tamper = new NpgsqlCommand(
                "UPDATE config_changes SET \"ForwardScript\" = 'CREATE TABLE smuggled (id int); COMMIT; CREATE TABLE after_commit (id int)' WHERE \"Id\" = @id", store);
            tamper.Parameters.AddWithValue("id", change.Id);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var result = await fixture.App.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id);

        Assert.False(result.Succeeded);
        Assert.Contains("Refused before it ran", result.Message);
        Assert.Equal(0L, await fixture.ScalarOnTargetAsync("SELECT count(*) FROM pg_tables WHERE tablename IN ('smuggled', 'after_commit')"));
    }

    [Fact]
    public async Task ADangerousSetting_IsRefused_UntilTheTargetAllowsIt_AndAgainAtApplyOnceDisallowed()
    {
        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => RegisterSettingAsync("archive_command", "/bin/true"));
        Assert.Equal("Parameter", refused.Field);
        Assert.Contains("runs a command or loads code", refused.Message);

        await Targets.SetAllowDangerousSettingsAsync(Actor.System, fixture.TargetId, true);
        // archive_cleanup_command, not archive_command: with archive_mode off the server shows the latter as "(disabled)".
        var allowed = await RegisterSettingAsync("archive_cleanup_command", "/bin/true");
        var pending = await RegisterSettingAsync("restore_command", "/bin/true");
        var applied = await ApplyAsync(allowed);
        Assert.True(applied.Succeeded, applied.Message);
        Assert.Equal("/bin/true", await fixture.ShowAsync("archive_cleanup_command"));

        await Targets.SetAllowDangerousSettingsAsync(Actor.System, fixture.TargetId, false);
        var result = await ApplyAsync(pending);

        Assert.False(result.Succeeded);
        Assert.Contains("does not allow such settings", result.Message);
        Assert.Equal("", await fixture.ShowAsync("restore_command"));
    }

    [Fact]
    public async Task AValueWithBackslashes_IsAppliedLiterally_EvenForARoleThatTurnsStandardStringsOff()
    {
        const string password = "Sloppy-Passw0rd-9";
        await fixture.ExecuteOnTargetAsync($"CREATE ROLE sloppy LOGIN SUPERUSER PASSWORD '{password}'",
            "ALTER ROLE sloppy SET standard_conforming_strings = off");
        var asSloppy = new NpgsqlConnectionStringBuilder(fixture.TargetConnectionString) { Username = "sloppy", Password = password, Pooling = false };
        await using (var plain = new NpgsqlConnection(asSloppy.ConnectionString))
        {
            await plain.OpenAsync();
            await using var show = new NpgsqlCommand("SHOW standard_conforming_strings", plain);
            Assert.Equal("off", await show.ExecuteScalarAsync());
        }
        var sloppy = await Targets.RegisterAsync(Actor.System, "sloppy", TargetEnvironment.Staging, asSloppy.ConnectionString);
        const string value = @"%m [C:\temp\new] \x41 ";

        var change = await RegisterSettingAsync("log_line_prefix", value, sloppy);
        var result = await ApplyAsync(change);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(value.Trim(), await fixture.ShowAsync("log_line_prefix"));
    }

    private async Task<ApplyResult> ApplySqlAsync(string forward, string rollback)
    {
        var change = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId, forward, rollback,
            Details($"SQL {Guid.NewGuid():N}"[..12]), SubmitForReview: true));
        return await ApplyAsync(change);
    }

    private async Task<ConfigChange> RegisterSettingAsync(string parameter, string value, Guid? targetId = null) =>
        await Registry.RegisterSettingAsync(fixture.Dba1, new SettingChangeRequest(targetId ?? fixture.TargetId, parameter, value,
            Details($"Set {parameter}"), SubmitForReview: true));

    private async Task<ApplyResult> ApplyAsync(ConfigChange change)
    {
        if (change.Status != ChangeStatus.Approved)
            await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        return await fixture.App.Service<ChangeApplier>().ApplyAsync(fixture.Dba2, change.Id);
    }

    private static ChangeDetails Details(string title) => new(title, "Target safety test", null, ChangeRisk.Low, null);
}
