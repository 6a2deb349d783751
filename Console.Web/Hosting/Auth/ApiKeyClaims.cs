using System.Security.Claims;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Api;

namespace OpsConsole.Web.Hosting.Auth;

public static class ApiKeyClaims
{
    /// <summary>
    /// The domain's view of a caller with an API key: no roles, only what its scopes grant, so the permission
    /// table still decides. The name says it is a key, in the registry's author column and the audit trail.
    /// </summary>
    public static Actor ToApiKeyActor(this ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The caller has no API key."),
        $"{user.Identity?.Name ?? "unknown"} (API key)",
        [],
        ApiScopes.PermissionsOf(user.FindAll(ApiKeyAuthenticationHandler.ScopeClaim).Select(c => c.Value)));
}
