using System.Security.Claims;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Web.Hosting.Auth;

public static class ApiKeyClaims
{
    /// <summary>
    /// The domain's view of a caller with an API key. A service key has no roles, only what its scopes grant, so the
    /// permission table still decides. The name says it is a key, in the audit trail; the key's holder (its creator, or a
    /// configured key's Owner) counts as the author of what it registers. A key that acts for nobody may not register
    /// changes: a change with no person behind it would have no author that the two-person rule could keep from approving it.
    /// A personal token is its owner, acting with the roles they hold now, narrowed by the token's scopes: audited as
    /// "alice (token deploy-bot)" under alice's user id.
    /// </summary>
    public static Actor ToApiKeyActor(this ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? "unknown";
        var ownerId = user.FindFirstValue(ApiKeyAuthenticationHandler.OwnerIdClaim);
        var ownerName = user.FindFirstValue(ApiKeyAuthenticationHandler.OwnerNameClaim) ?? ownerId;
        var scopes = ApiScopes.PermissionsOf(user.FindAll(ApiKeyAuthenticationHandler.ScopeClaim).Select(c => c.Value));
        if (user.HasClaim(ApiKeyAuthenticationHandler.KindClaim, nameof(ApiKeyKind.PersonalToken)) && ownerId is not null)
            return new Actor(ownerId, $"{ownerName} (token {name})",
                user.FindAll(ApiKeyAuthenticationHandler.OwnerRoleClaim).Select(c => c.Value).ToList(),
                Key: new KeyHolder(name, ownerId, ownerName!), ScopedTo: scopes);

        var grants = ownerId is null ? scopes.Where(p => p != Permission.RegisterChange).ToList() : scopes;
        return new Actor(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The caller has no API key."),
            $"{name} (API key)",
            [],
            grants,
            ownerId is null ? null : new KeyHolder(name, ownerId, ownerName!));
    }
}
