using OpsConsole.Domain;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Tests.Domain;

public sealed class SettingSqlTests
{
    [Fact]
    public void AlterSystemSet_QuotesTheNameAndTheValue()
    {
        Assert.Equal("ALTER SYSTEM SET \"deadlock_timeout\" = '2s'", SettingSql.AlterSystemSet("deadlock_timeout", "2s"));
        Assert.Equal("ALTER SYSTEM SET \"auto_explain\".\"log_min_duration\" = '1s'", SettingSql.AlterSystemSet("auto_explain.log_min_duration", "1s"));
    }

    [Fact]
    public void QuotesInAValue_AreDoubled_SoTheValueStaysOneLiteral()
    {
        Assert.Equal("ALTER SYSTEM SET \"application_name\" = 'x''; DROP TABLE orders; --'",
            SettingSql.AlterSystemSet("application_name", "x'; DROP TABLE orders; --"));
    }

    [Theory]
    [InlineData("deadlock_timeout; DROP TABLE orders")]
    [InlineData("\"deadlock_timeout\"")]
    [InlineData("Deadlock_Timeout")]
    [InlineData("")]
    public void NamesThatAreNotPlainSettingNames_AreRefused(string name)
    {
        Assert.Throws<DomainRuleException>(() => SettingSql.AlterSystemSet(name, "1"));
    }

    [Fact]
    public void ControlCharactersInAValue_AreRefused()
    {
        Assert.Throws<DomainRuleException>(() => SettingSql.Literal("1\n; SELECT 1"));
    }

    [Fact]
    public void Reset_QuotesTheName()
    {
        Assert.Equal("ALTER SYSTEM RESET \"lock_timeout\"", SettingSql.AlterSystemReset("lock_timeout"));
    }
}
