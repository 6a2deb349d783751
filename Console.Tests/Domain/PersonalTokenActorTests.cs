using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Tests.Domain;

/// <summary>A personal token acts with its owner's roles narrowed by its scopes: both must allow.</summary>
public sealed class PersonalTokenActorTests
{
    private static Actor Token(string role, params string[] scopes) =>
        new("user-id", "alice (token deploy-bot)", [role], Key: new KeyHolder("deploy-bot", "user-id", "alice"), ScopedTo: ApiScopes.PermissionsOf(scopes));

    [Fact]
    public void ATokenWithTheScope_MayWhatItsOwnersRoleAllows() =>
        Assert.True(Token(Roles.OnCall, ApiScopes.RollbacksWrite).Can(Permission.RollbackChange));

    [Fact]
    public void ATokenWithoutTheScope_MayNot_ThoughItsOwnerMay()
    {
        var token = Token(Roles.Admin, ApiScopes.Read, ApiScopes.ChangesWrite);

        var refusal = Assert.Throws<AccessDeniedException>(() => token.Demand(Permission.RollbackChange));

        Assert.Contains("the token's scopes do not allow it", refusal.Message);
    }

    [Fact]
    public void AViewersToken_WithEveryScope_MayNothingAViewerMayNot()
    {
        var token = Token(Roles.Viewer, [.. ApiScopes.All]);

        Assert.All(Enum.GetValues<Permission>(), p => Assert.False(token.Can(p), $"{p} was allowed"));
    }

    [Fact]
    public void APersonalToken_IsAPersonalToken_AServiceKeyIsNot()
    {
        var serviceKey = new Actor("apikey:1", "ci (API key)", [], [Permission.RegisterChange], new KeyHolder("ci", "u", "bob"));

        Assert.True(Token(Roles.Dba, ApiScopes.Read).IsPersonalToken);
        Assert.False(serviceKey.IsPersonalToken);
    }

    [Fact]
    public void PersonalOnlyScopes_AreNotForServiceKeys() =>
        Assert.Empty(ApiScopes.ForServiceKeys.Intersect([ApiScopes.RollbacksWrite, ApiScopes.IncidentsWrite]));
}
