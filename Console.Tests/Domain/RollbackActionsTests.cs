using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Rollbacks.Actions;

namespace OpsConsole.Tests.Domain;

/// <summary>Which action rolls back which change, and what each says it will do. Running them is the integration tests' business.</summary>
public sealed class RollbackActionsTests
{
    private static readonly Actor Author = new("u-dba1", "dba1", [Roles.Dba]);
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private static readonly ChangeDetails Details = new("Title", "Why", null, ChangeRisk.Low, null);

    private static readonly SettingRollback Setting = new(null!, Options.Create(new SettingRollbackOptions { VerifyTimeout = TimeSpan.FromSeconds(8) }));
    private static readonly SqlRollback Sql = new(null!, null!,
        Options.Create(new SqlRollbackOptions { LockTimeout = TimeSpan.FromSeconds(2), StatementTimeout = TimeSpan.FromSeconds(30) }));
    private static readonly WebhookRollback Webhook = new(null!, Options.Create(new RollbackOptions { WebhookAttempts = 4, WebhookTimeout = TimeSpan.FromSeconds(7) }));
    private static readonly ChecklistRollback Checklist = new();
    private static readonly IRollbackAction[] All = [Setting, Sql, Webhook, Checklist];

    private static ConfigChange SettingChange(string source = "default") => ConfigChange.ForSetting(Guid.NewGuid(), Details,
        new ValidatedSetting(new SettingInfo("lock_timeout", "0", "ms", "integer", "0", "2147483647", [], "user", source, "", false), "2s", "2000"),
        Author, Now);

    private static ConfigChange SqlChange() => ConfigChange.ForSql(Guid.NewGuid(), Details, "CREATE TABLE t (id int);", "DROP TABLE t;", Author, Now);

    private static ConfigChange External(string? webhook) =>
        ConfigChange.ForExternal(Guid.NewGuid(), Details, "Pool 20 → 40", "Set the pool back to 20\nReload pgbouncer", webhook, Author, Now);

    public static TheoryData<string> Kinds => ["setting", "sql", "webhook", "checklist"];

    private static (ConfigChange Change, IRollbackAction Expected) Case(string kind) => kind switch
    {
        "setting" => (SettingChange(), Setting),
        "sql" => (SqlChange(), Sql),
        "webhook" => (External("https://deploy.example.com/rollback"), Webhook),
        _ => (External(null), Checklist),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EachKindOfChange_IsHandledByExactlyOneAction(string kind)
    {
        var (change, expected) = Case(kind);

        Assert.Same(expected, Assert.Single(All, a => a.Handles(change)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheProcedure_PicksTheActionThatHandlesTheChange_WhateverTheRegistrationOrder(string kind)
    {
        var (change, expected) = Case(kind);
        var procedure = new RollbackProcedure(null!, null!, All.Reverse(), null!, null!, null!, null!, null!, null!, TimeProvider.System, null!);

        Assert.Same(expected, procedure.ActionFor(change));
        Assert.Equal(expected.Describe(change), procedure.Describe(change));
    }

    [Fact]
    public void AChangeNoActionHandles_IsAnErrorOfTheRegistrations_NotAChecklistByDefault()
    {
        var procedure = new RollbackProcedure(null!, null!, [Checklist], null!, null!, null!, null!, null!, null!, TimeProvider.System, null!);

        var missing = Assert.Throws<InvalidOperationException>(() => procedure.ActionFor(SqlChange()));

        Assert.Contains("No rollback action handles", missing.Message);
    }

    [Fact]
    public void TheSqlAction_DescribesTheTimeoutsItIsConfiguredWith()
    {
        var text = Sql.Describe(SqlChange());

        Assert.Contains("lock timeout 2 s", text);
        Assert.Contains("statement timeout 30 s", text);
    }

    [Fact]
    public void TheWebhookAction_DescribesItsTriesAndTheirTimeout()
    {
        Assert.Contains("up to 4 tries of 7 s each", Webhook.Describe(External("https://deploy.example.com/rollback")));
    }

    [Theory]
    [InlineData("default", "ALTER SYSTEM RESET lock_timeout")]
    [InlineData("configuration file", "ALTER SYSTEM RESET lock_timeout")]
    [InlineData("override", "ALTER SYSTEM SET lock_timeout = '0'")]
    public void TheSettingAction_ResetsAValueThatCameFromTheDefaultsOrFiles_AndWritesAnyOtherBack(string sourceBefore, string expected)
    {
        var text = Setting.Describe(SettingChange(sourceBefore));

        Assert.Contains(expected, text);
        Assert.Contains("for up to 8 s", text);
    }

    [Fact]
    public void OnlyTheChecklist_AsksForManualSteps_OneALine()
    {
        Assert.Equal(["Set the pool back to 20", "Reload pgbouncer"], Checklist.ManualSteps(External(null)));
        foreach (var kind in new[] { "setting", "sql", "webhook" })
        {
            var (change, action) = Case(kind);
            Assert.Empty(action.ManualSteps(change));
        }
    }
}
