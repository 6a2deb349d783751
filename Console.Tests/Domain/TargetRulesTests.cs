using OpsConsole.Domain;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Domain;

public sealed class TargetRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);

    private static Target NewTarget() => new("shop", TargetEnvironment.Production, "protected", Now);

    [Fact]
    public void APausedTarget_IsNotMonitored_UntilResumed()
    {
        var target = NewTarget();
        target.Pause(Now);
        Assert.False(target.IsMonitored);
        Assert.Throws<DomainRuleException>(() => target.Pause(Now));

        target.Resume();

        Assert.True(target.IsMonitored);
        Assert.Throws<DomainRuleException>(target.Resume);
    }

    [Fact]
    public void ARetiredTarget_CannotBeResumedPausedOrEdited()
    {
        var target = NewTarget();
        target.Pause(Now);
        target.Retire(Now);

        Assert.False(target.IsMonitored);
        Assert.True(target.IsRetired);
        Assert.Throws<DomainRuleException>(target.Resume);
        Assert.Throws<DomainRuleException>(() => target.Pause(Now));
        Assert.Throws<DomainRuleException>(() => target.Retire(Now));
        Assert.Throws<DomainRuleException>(() => target.ChangeEnvironment(TargetEnvironment.Staging));
        Assert.Throws<DomainRuleException>(() => target.SetScriptRole("shop_scripts"));
        Assert.Throws<DomainRuleException>(() => target.SetAllowDangerousSettings(true));
    }

    [Fact]
    public void ChangingTheEnvironment_ToTheSameOrAnUnknownOne_IsRefused()
    {
        var target = NewTarget();
        Assert.Throws<DomainRuleException>(() => target.ChangeEnvironment(TargetEnvironment.Production));
        Assert.Throws<DomainRuleException>(() => target.ChangeEnvironment((TargetEnvironment)42));

        target.ChangeEnvironment(TargetEnvironment.Staging);

        Assert.Equal(TargetEnvironment.Staging, target.Environment);
    }

    [Theory]
    [InlineData("shop_scripts", "\"shop_scripts\"")]
    [InlineData("  deploy$1 ", "\"deploy$1\"")]
    public void AScriptRole_IsAPlainIdentifier_AlwaysQuoted(string role, string quoted) =>
        Assert.Equal(quoted, ScriptRoleName.Quoted(role));

    [Theory]
    [InlineData("")]
    [InlineData("Shop")]
    [InlineData("shop\"; DROP TABLE x; --")]
    [InlineData("1role")]
    [InlineData("none")]
    [InlineData("public")]
    [InlineData("pg_execute_server_program")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void AScriptRole_ThatIsNotAPlainOwnRoleName_IsRefused(string role) =>
        Assert.Equal("ScriptRole", Assert.Throws<DomainRuleException>(() => ScriptRoleName.Require(role)).Field);

    [Theory]
    [InlineData("archive_command", true)]
    [InlineData(" Restore_Command ", true)]
    [InlineData("archive_cleanup_command", true)]
    [InlineData("recovery_end_command", true)]
    [InlineData("ssl_passphrase_command", true)]
    [InlineData("shared_preload_libraries", true)]
    [InlineData("session_preload_libraries", true)]
    [InlineData("local_preload_libraries", true)]
    [InlineData("dynamic_library_path", true)]
    [InlineData("archive_library", true)]
    [InlineData("deadlock_timeout", false)]
    [InlineData("archive_mode", false)]
    [InlineData("ssl_passphrase_command_supports_reload", false)]
    public void SettingsThatRunCommandsOrLoadCode_AreDangerous(string name, bool dangerous) =>
        Assert.Equal(dangerous, DangerousSettings.IsDangerous(name));

    [Fact]
    public void ADangerousSetting_IsAllowed_OnlyWhereTheTargetAllowsIt()
    {
        var target = NewTarget();
        Assert.Contains("does not allow", DangerousSettings.Problem(target, "archive_command"));
        Assert.Null(DangerousSettings.Problem(target, "lock_timeout"));

        target.SetAllowDangerousSettings(true);

        Assert.Null(DangerousSettings.Problem(target, "archive_command"));
    }
}
