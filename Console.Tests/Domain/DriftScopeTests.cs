using OpsConsole.Domain.Changes;

namespace OpsConsole.Tests.Domain;

public sealed class DriftScopeTests
{
    private static SettingInfo Row(string name, string source, string context = "user") =>
        new(name, "x", null, "string", null, null, [], context, source, "", false);

    [Theory]
    [InlineData("default_transaction_isolation", "configuration file", "user")]
    [InlineData("work_mem", "default", "user")]
    [InlineData("deadlock_timeout", "configuration file", "superuser")]
    [InlineData("shared_buffers", "configuration file", "postmaster")]
    public void ConfigurationSettings_AreCompared(string name, string source, string context) =>
        Assert.True(DriftScope.Compares(Row(name, source, context), "default"));

    [Theory]
    [InlineData("transaction_isolation", "override", "user")]       // mirrors default_transaction_isolation in each session
    [InlineData("transaction_isolation", "default", "user")]        // by name too, whatever source a version reports
    [InlineData("transaction_read_only", "override", "user")]
    [InlineData("application_name", "client", "user")]             // the driver's startup packet
    [InlineData("statement_timeout", "session", "user")]            // SET by the detector's own session
    [InlineData("shared_memory_size", "default", "internal")]       // computed from shared_buffers
    [InlineData("server_version", "default", "internal")]
    [InlineData("port", "command line", "postmaster")]              // where the server listens: a moved target is followed, not drifted
    public void MirroredDerivedOrFixedSettings_AreNotDrift(string name, string source, string context) =>
        Assert.False(DriftScope.Compares(Row(name, source, context), source));

    [Fact]
    public void ASettingWhoseSnapshotCameFromTheSession_IsNotDrift() =>
        Assert.False(DriftScope.Compares(Row("lock_timeout", "default"), "session"));
}
