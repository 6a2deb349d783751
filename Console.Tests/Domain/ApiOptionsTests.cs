using OpsConsole.Domain.Api;

namespace OpsConsole.Tests.Domain;

public sealed class ApiOptionsTests
{
    private static ApiOptions With(string name, string key, params string[] scopes) =>
        new() { Keys = [new ConfiguredApiKey { Name = name, Key = key, Scopes = [.. scopes] }] };

    [Fact]
    public void AWellFormedKey_HasNoProblem() =>
        Assert.Null(With("ci", "ci-pipeline-key-0123456789abcdef", ApiScopes.ChangesWrite).Problem());

    [Fact]
    public void AShortKey_IsAProblem() =>
        Assert.Contains("shorter than 24", With("ci", "too-short", ApiScopes.Read).Problem());

    [Fact]
    public void AnUnknownScope_IsAProblem() =>
        Assert.Contains("unknown scope 'admin'", With("ci", "ci-pipeline-key-0123456789abcdef", "admin").Problem());
}
