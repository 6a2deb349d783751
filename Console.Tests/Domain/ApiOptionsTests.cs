using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Tests.Domain;

public sealed class ApiOptionsTests
{
    private static ApiOptions With(string name, string key, params string[] scopes) =>
        new() { Keys = [new ConfiguredApiKey { Name = name, Key = key, Scopes = [.. scopes], Owner = "release-manager" }] };

    [Fact]
    public void AWellFormedKey_HasNoProblem() =>
        Assert.Null(With("ci", "ci-pipeline-key-0123456789abcdef", ApiScopes.ChangesWrite).Problem());

    [Fact]
    public void AKeyThatRegistersChanges_WithoutAnOwner_IsAProblem()
    {
        var options = With("ci", "ci-pipeline-key-0123456789abcdef", ApiScopes.ChangesWrite);
        options.Keys[0].Owner = null;

        Assert.Contains("Api:Keys:0:Owner", options.Problem());
    }

    [Fact]
    public void AKeyThatOnlySendsEvents_NeedsNoOwner()
    {
        var options = With("checkout", "checkout-service-key-0123456789", ApiScopes.EventsWrite);
        options.Keys[0].Owner = null;

        Assert.Null(options.Problem());
    }

    [Fact]
    public void AShortKey_IsAProblem() =>
        Assert.Contains("shorter than 24", With("ci", "too-short", ApiScopes.Read).Problem());

    [Fact]
    public void AnUnknownScope_IsAProblem() =>
        Assert.Contains("unknown scope 'admin'", With("ci", "ci-pipeline-key-0123456789abcdef", "admin").Problem());

    [Fact]
    public void AConfiguredKeyWithAPersonalOnlyScope_IsAProblem() =>
        Assert.Contains("only a person's own token", With("ci", "ci-pipeline-key-0123456789abcdef", ApiScopes.RollbacksWrite).Problem());
}
