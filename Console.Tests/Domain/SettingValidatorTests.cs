using OpsConsole.Domain;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Tests.Domain;

public sealed class SettingValidatorTests
{
    // Rows as PostgreSQL 15's pg_settings shows them.
    private static readonly SettingInfo DeadlockTimeout = new("deadlock_timeout", "1000", "ms", "integer", "1", "2147483647", [], "superuser", "default", "Sets the time to wait on a lock before checking for deadlock.", false);
    private static readonly SettingInfo SharedBuffers = new("shared_buffers", "16384", "8kB", "integer", "16", "1073741823", [], "postmaster", "configuration file", "Sets the number of shared memory buffers.", false);
    private static readonly SettingInfo LogLockWaits = new("log_lock_waits", "off", null, "bool", null, null, [], "superuser", "default", "Logs long lock waits.", false);
    private static readonly SettingInfo LogMinMessages = new("log_min_messages", "warning", null, "enum", null, null, ["debug5", "debug4", "debug3", "debug2", "debug1", "info", "notice", "warning", "error", "log", "fatal", "panic"], "superuser", "default", "Sets the message levels that are logged.", false);
    private static readonly SettingInfo RandomPageCost = new("random_page_cost", "4", null, "real", "0", "1.79769e+308", [], "user", "default", "Sets the planner's estimate of the cost of a nonsequentially fetched disk page.", false);
    private static readonly SettingInfo BlockSize = new("block_size", "8192", null, "integer", "8192", "8192", [], "internal", "default", "Shows the size of a disk block.", false);
    private static readonly SettingInfo ApplicationName = new("application_name", "", null, "string", null, null, [], "user", "default", "Sets the application name.", false);

    private static readonly IReadOnlyList<SettingInfo> Catalog = [DeadlockTimeout, SharedBuffers, LogLockWaits, LogMinMessages, RandomPageCost, BlockSize, ApplicationName];

    [Theory]
    [InlineData("deadlock_timeout", "2s", "2000")]
    [InlineData("deadlock_timeout", "1500", "1500")]
    [InlineData("deadlock_timeout", "1min", "60000")]
    [InlineData("deadlock_timeout", " 250 ms ", "250")]
    [InlineData("shared_buffers", "128MB", "16384")]
    [InlineData("shared_buffers", "1GB", "131072")]
    [InlineData("log_lock_waits", "true", "on")]
    [InlineData("log_lock_waits", "OFF", "off")]
    [InlineData("log_min_messages", "ERROR", "error")]
    [InlineData("random_page_cost", "1.1", "1.1")]
    [InlineData("application_name", "checkout-api", "checkout-api")]
    [InlineData("DEADLOCK_TIMEOUT", "3s", "3000")]
    public void AcceptedValues_AreNormalizedToWhatPgSettingsShows(string name, string value, string normalized)
    {
        var valid = SettingValidator.Validate(Catalog, name, value);

        Assert.Equal(normalized, valid.Normalized);
        Assert.Equal(value.Trim(), valid.Value);
    }

    [Theory]
    [InlineData("no_such_setting", "1", "Parameter", "Unknown setting 'no_such_setting'")]
    [InlineData("deadlock_timeout = 1; DROP TABLE orders; --", "1", "Parameter", "Unknown setting")]
    [InlineData("block_size", "4096", "Parameter", "read-only")]
    [InlineData("deadlock_timeout", "soon", "Value", "takes a whole number")]
    [InlineData("deadlock_timeout", "0", "Value", "must be between 1 and 2147483647 ms")]
    [InlineData("deadlock_timeout", "3000000000", "Value", "out of range")]
    [InlineData("deadlock_timeout", "2 weeks", "Value", "does not take the unit 'weeks'")]
    [InlineData("deadlock_timeout", "5MB", "Value", "does not take the unit 'MB'")]
    [InlineData("deadlock_timeout", "1.5", "Value", "has a fraction")]
    [InlineData("shared_buffers", "8", "Value", "must be between 16 and 1073741823 8kB")]
    [InlineData("log_lock_waits", "maybe", "Value", "on or off")]
    [InlineData("log_min_messages", "loud", "Value", "takes one of debug5")]
    [InlineData("random_page_cost", "-1", "Value", "out of range")]
    [InlineData("random_page_cost", "1s", "Value", "takes a plain number")]
    [InlineData("application_name", "x';\nALTER SYSTEM SET fsync = off; --", "Value", "control character")]
    [InlineData("deadlock_timeout", "", "Value", "Give a value")]
    public void RefusedValues_SayWhyAndWhichField(string name, string value, string field, string message)
    {
        var refusal = Assert.Throws<DomainRuleException>(() => SettingValidator.Validate(Catalog, name, value));

        Assert.Equal(field, refusal.Field);
        Assert.Contains(message, refusal.Message);
    }

    [Fact]
    public void AValueLongerThanTheLimit_IsRefused()
    {
        var refusal = Assert.Throws<DomainRuleException>(() => SettingValidator.Validate(Catalog, "application_name", new string('x', 1001)));

        Assert.Contains("longer than 1000 characters", refusal.Message);
    }

    [Theory]
    [InlineData("2000", "2000", true)]
    [InlineData("2000", "2001", false)]
    [InlineData("1.1", "1.1000000000", true)]
    public void Matches_ComparesNumbersAsNumbers(string shown, string expected, bool match)
    {
        Assert.Equal(match, SettingValidator.Matches(RandomPageCost with { Setting = shown }, expected));
    }
}
