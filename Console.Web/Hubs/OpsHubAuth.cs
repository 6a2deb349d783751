using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Hubs;

/// <summary>
/// Who may listen on the hub: an API key with scope <c>read</c>, or a signed-in console user (cookie). One policy
/// scheme picks the key's handler when the request carries a key and the cookie otherwise, and always answers a
/// refusal as the API does (401/403 problem details), never with a redirect to the login page, which a SignalR
/// client could not follow.
/// </summary>
public static class OpsHubAuth
{
    public const string Scheme = "OpsHub";

    /// <summary>
    /// Named in the API policies' pattern so that the key handler's 403 names the missing scope. Not
    /// <see cref="ApiKeyPolicies.Read"/>: that one also takes changes:write and knows no cookies.
    /// </summary>
    public const string Policy = "ApiScope:" + ApiScopes.Read;

    public static IServiceCollection AddOpsHubAuth(this IServiceCollection services)
    {
        services.AddAuthentication().AddPolicyScheme(Scheme, null, options =>
        {
            options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.KeyOf(context.Request) is null
                ? IdentityConstants.ApplicationScheme
                : ApiKeyAuthenticationHandler.SchemeName;
            options.ForwardChallenge = ApiKeyAuthenticationHandler.SchemeName;
            options.ForwardForbid = ApiKeyAuthenticationHandler.SchemeName;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.Identity?.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName
                                         || context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Read)));
        return services;
    }
}
