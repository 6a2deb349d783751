using System.Text.Json;
using OpsConsole.Domain.Api;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Rollbacks.Actions;
using OpsConsole.Domain.Shop;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Auth;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

/// <summary>appsettings.Example.json is the reference for operators: every option class's setting must be in it.</summary>
public sealed class ExampleSettingsTests
{
    public static TheoryData<string, Type> OptionSections() => new()
    {
        { DatabaseOptions.Section, typeof(DatabaseOptions) },
        { BootstrapOptions.Section, typeof(BootstrapOptions) },
        { EmbeddedPostgresOptions.Section, typeof(EmbeddedPostgresOptions) },
        { OidcOptions.Section, typeof(OidcOptions) },
        { SignInLimitOptions.Section, typeof(SignInLimitOptions) },
        { KeyRingOptions.Section, typeof(KeyRingOptions) },
        { DriftOptions.Section, typeof(DriftOptions) },
        { LockOptions.Section, typeof(LockOptions) },
        { ApiOptions.Section, typeof(ApiOptions) },
        { RollbackOptions.Section, typeof(RollbackOptions) },
        { SettingRollbackOptions.Section, typeof(SettingRollbackOptions) },
        { SqlRollbackOptions.Section, typeof(SqlRollbackOptions) },
        { ShopWorkloadOptions.Section, typeof(ShopWorkloadOptions) },
        { IngestOptions.Section, typeof(IngestOptions) },
        { CheckoutOptions.Section, typeof(CheckoutOptions) },
        { AuditOptions.Section, typeof(AuditOptions) },
    };

    [Theory]
    [MemberData(nameof(OptionSections))]
    public void EverySettingOfAnOptionsClass_AppearsInTheExample(string section, Type options)
    {
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "appsettings.Example.json")));
        var node = section.Split(':').Aggregate(example.RootElement, (element, name) => element.GetProperty(name));

        var settable = options.GetProperties().Where(p => p.CanWrite).Select(p => p.Name);

        Assert.All(settable, name => Assert.True(node.TryGetProperty(name, out _), $"{section}:{name} is missing from appsettings.Example.json"));
    }
}
