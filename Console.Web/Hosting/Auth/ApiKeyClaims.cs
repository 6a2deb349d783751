using System.Security.Claims;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Web.Hosting.Auth;

public static class ApiKeyClaims
{
    /// <summary>
    /// The domain's view of a caller with an API key: no roles, only what its scopes grant, so the permission
    /// table still decides. The name says it is a key, in the audit trail; the key's holder (its creator, or a configured
    /// key's Owner) counts as the author of what it registers. A key that acts for nobody may not register changes: a
    /// change with no person behind it would have no author that the two-person rule could keep from approving it.
    /// </summary>
    public static Actor ToApiKeyActor(this ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? "unknown";
        var ownerId = user.FindFirstValue(ApiKeyAuthenticationHandler.OwnerIdClaim);
        var grants = ApiScopes.PermissionsOf(user.FindAll(ApiKeyAuthenticationHandler.ScopeClaim).Select(c => c.Value));
        if (ownerId is null)
            grants = grants.Where(p => p != Permission.RegisterChange).ToList();
        return new Actor(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The caller has no API key."),
            $"{name} (API key)",
            [],
            grants,
            ownerId is null ? null : new KeyHolder(name, ownerId, user.FindFirstValue(ApiKeyAuthenticationHandler.OwnerNameClaim) ?? ownerId));
    }
}
