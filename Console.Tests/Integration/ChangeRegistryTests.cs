using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>The registry against a real target cluster: register, review, apply, and refuse what must be refused.</summary>
public sealed class ChangeRegistryTests(TargetFixture fixture, ITestOutputHelper output) : IClassFixture<TargetFixture>
{
    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();
    private ChangeApplier Applier => fixture.App.Service<ChangeApplier>();

    private static ChangeDetails Details(string title, ChangeRisk risk = ChangeRisk.Medium) =>
        new(title, "Rehearsed at peak load", "https://tickets.example.com/OPS-42", risk, null);

    [Fact]
    public async Task SettingChange_RegisteredApprovedAndApplied_IsInEffectOnTheTarget()
    {
        var change = await Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, "deadlock_timeout", "3s", Details("Raise deadlock_timeout"), SubmitForReview: true));
        Assert.Equal(("1000", "ms", "default"), (change.ValueBefore, change.Unit, change.SourceBefore));

        await Registry.ApproveAsync(fixture.Dba2, change.Id, "ok");
        var result = await Applier.ApplyAsync(fixture.Dba2, change.Id);
        output.WriteLine($"apply to verified: {result.Duration.TotalMilliseconds:0} ms");

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("3s", await fixture.ShowAsync("deadlock_timeout"));
        var applied = (await Registry.GetAsync(change.Id))!;
        Assert.Equal((ChangeStatus.Applied, "dba2"), (applied.Status, applied.AppliedBy));
        Assert.Equal(["change.registered", "change.approved", "change.apply.intent", "change.applied"], await AuditActionsAsync(change.Number));
    }

    [Fact]
    public async Task TheAuthor_ApprovingTheirOwnChange_IsRefused()
    {
        var change = await Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, "lock_timeout", "5s", Details("Fail fast on locks"), SubmitForReview: true));

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Registry.ApproveAsync(fixture.Dba1, change.Id, "self"));

        Assert.Contains("author", refusal.Message);
        Assert.Equal(ChangeStatus.InReview, (await Registry.GetAsync(change.Id))!.Status);
    }

    [Fact]
    public async Task SubmittingSomeoneElsesDraft_IsRefused_AndTheRefusalIsAuditedUnderTheChange()
    {
        var draft = await Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, "lock_timeout", "7s", Details("Not yours to submit")));

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Registry.SubmitAsync(fixture.Dba2, draft.Id));

        Assert.Contains("Only the author", refusal.Message);
        Assert.Equal(ChangeStatus.Draft, (await Registry.GetAsync(draft.Id))!.Status);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Subject == $"change:{draft.Number}" && e.Action == "change.submitted"
                                                        && e.ActorName == "dba2" && e.Outcome == AuditOutcome.Refused));
        await Registry.SubmitAsync(fixture.Dba1, draft.Id);
        Assert.Equal(ChangeStatus.InReview, (await Registry.GetAsync(draft.Id))!.Status);
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("tickets/OPS-42")]
    public async Task ATicketLinkThatIsNotHttp_IsRefused(string link)
    {
        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, "lock_timeout", "5s", new ChangeDetails("Linked", "Because", link, ChangeRisk.Low, null))));

        Assert.Equal("TicketUrl", refusal.Field);
    }

    [Fact]
    public async Task AViewerRegistering_IsRefusedAtTheDomain_AndTheRefusalIsAudited()
    {
        await Assert.ThrowsAsync<AccessDeniedException>(() => Registry.RegisterSettingAsync(fixture.Viewer,
            new SettingChangeRequest(fixture.TargetId, "work_mem", "64MB", Details("Viewer tries"))));

        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        Assert.False(await db.Changes.AnyAsync(c => c.Title == "Viewer tries"));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.ActorName == "viewer" && e.Action == "change.register" && e.Outcome == AuditOutcome.Refused));
    }

    [Fact]
    public async Task AnOnCallEngineerApplying_IsRefused()
    {
        var change = await Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, "log_lock_waits", "on", Details("Log lock waits"), SubmitForReview: true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");

        await Assert.ThrowsAsync<AccessDeniedException>(() => Applier.ApplyAsync(fixture.OnCall, change.Id));

        Assert.Equal("off", await fixture.ShowAsync("log_lock_waits"));
    }

    public static TheoryData<string, string, string> BadSettings() => new()
    {
        { "no_such_setting", "1", "Parameter" },
        { "deadlock_timeout", "soon", "Value" },
        { "deadlock_timeout", "0", "Value" },
        { "max_connections", "abc", "Value" },
        { "log_min_messages", "loud", "Value" },
        { "statement_timeout; DROP TABLE shop_marker; --", "1", "Parameter" },
        { "application_name", "x';\nDROP TABLE shop_marker; --", "Value" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSettingInput_IsRefusedWithAClearMessage_AndNothingIsSavedOrExecuted(string parameter, string value, string field)
    {
        await using (var create = new NpgsqlConnection(fixture.TargetConnectionString))
        {
            await create.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE IF NOT EXISTS shop_marker (id int)", create).ExecuteNonQueryAsync();
        }
        var title = $"Bad input {Guid.NewGuid():N}";

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, parameter, value, Details(title))));

        Assert.Equal(field, refusal.Field);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Message));
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        Assert.False(await db.Changes.AnyAsync(c => c.Title == title));
        await using var target = new NpgsqlConnection(fixture.TargetConnectionString);
        await target.OpenAsync();
        Assert.NotNull(await new NpgsqlCommand("SELECT to_regclass('shop_marker')::text", target).ExecuteScalarAsync() as string);
        Assert.Equal(0L, await new NpgsqlCommand("SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%auto.conf' AND name = 'application_name'", target).ExecuteScalarAsync());
    }

    [Fact]
    public async Task SqlChange_RunsItsForwardScriptInATransaction()
    {
        var good = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "CREATE TABLE coupons (code text primary key); INSERT INTO coupons VALUES ('SPRING');", "DROP TABLE coupons;", Details("Coupons"), true));
        var bad = await Registry.RegisterSqlAsync(fixture.Dba1, new SqlChangeRequest(fixture.TargetId,
            "CREATE TABLE half_done (id int); SELECT 1/0;", "DROP TABLE half_done;", Details("Broken script"), true));
        await Registry.ApproveAsync(fixture.Dba2, good.Id, "");
        await Registry.ApproveAsync(fixture.Dba2, bad.Id, "");

        var applied = await Applier.ApplyAsync(fixture.Dba2, good.Id);
        var failed = await Applier.ApplyAsync(fixture.Dba2, bad.Id);

        Assert.True(applied.Succeeded, applied.Message);
        Assert.False(failed.Succeeded);
        Assert.Contains("division by zero", failed.Message);
        var afterFailure = (await Registry.GetAsync(bad.Id))!;
        Assert.Equal(ChangeStatus.Approved, afterFailure.Status);
        Assert.Contains("division by zero", afterFailure.LastApplyError);
        await using var target = new NpgsqlConnection(fixture.TargetConnectionString);
        await target.OpenAsync();
        Assert.Equal("SPRING", await new NpgsqlCommand("SELECT code FROM coupons", target).ExecuteScalarAsync());
        Assert.Null(await new NpgsqlCommand("SELECT to_regclass('half_done')::text", target).ExecuteScalarAsync() as string);
        Assert.Equal(["change.registered", "change.approved", "change.apply.intent", "change.apply_failed"], await AuditActionsAsync(bad.Number));
    }

    [Fact]
    public async Task TwoConcurrentApplies_ApplyOnce()
    {
        var change = await Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, "idle_in_transaction_session_timeout", "10min", Details("Kill idle transactions"), true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Record.ExceptionAsync(() => Applier.ApplyAsync(fixture.Dba2, change.Id)).AsTask()));

        Assert.Single(outcomes, e => e is null);
        Assert.Contains("only an approved change can be applied", Assert.Single(outcomes, e => e is not null)!.Message);
        Assert.Single(await AuditActionsAsync(change.Number), a => a == "change.applied");
        Assert.Equal("10min", await fixture.ShowAsync("idle_in_transaction_session_timeout"));
    }

    [Fact]
    public async Task HighRiskChange_NeedsTwoApprovalsBeforeItCanBeApplied()
    {
        var change = await Registry.RegisterSettingAsync(fixture.Dba1,
            new SettingChangeRequest(fixture.TargetId, "max_locks_per_transaction", "128", Details("More locks", ChangeRisk.High), true));
        Assert.True(change.RequiresRestart);

        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        await Assert.ThrowsAsync<DomainRuleException>(() => Applier.ApplyAsync(fixture.Dba2, change.Id));
        await Registry.ApproveAsync(new Actor((await AdminIdAsync()), "admin", [Roles.Admin]), change.Id, "");
        var result = await Applier.ApplyAsync(fixture.Dba2, change.Id);

        Assert.True(result.Succeeded, result.Message);
        Assert.True(result.PendingRestart);
        Assert.True((await Registry.GetAsync(change.Id))!.PendingRestart);
    }

    private async Task<string> AdminIdAsync()
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.Users.Where(u => u.UserName == "admin").Select(u => u.Id).SingleAsync();
    }

    private async Task<List<string>> AuditActionsAsync(int number)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        return await db.AuditEntries.Where(e => e.Subject == $"change:{number}").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync();
    }
}
