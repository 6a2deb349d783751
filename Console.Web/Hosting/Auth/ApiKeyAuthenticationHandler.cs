using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Web.Hubs;

namespace OpsConsole.Web.Hosting.Auth;

/// <summary>
/// The "ApiKey" scheme: a key in the <c>X-Api-Key</c> header. Only the API endpoints ask for it (pages keep the
/// cookie), and it answers refusals as problem details rather than a redirect to the login page. The live hub also
/// takes the key as a bearer token or an <c>access_token</c> query parameter, as SignalR clients send it: browsers
/// cannot set headers on WebSockets and EventSource.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory,
    UrlEncoder encoder, ApiKeyService keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ScopeClaim = "scope";
    public const string QueryParameter = "access_token";
    public const string OwnerIdClaim = "key_owner_id";
    public const string OwnerNameClaim = "key_owner_name";
    public const string KindClaim = "key_kind";
    /// <summary>A personal token's owner's roles: not <see cref="ClaimTypes.Role"/>, so no cookie policy ever reads them for a key.</summary>
    public const string OwnerRoleClaim = "key_owner_role";

    /// <summary>The key the request carries, or null.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrWhiteSpace(header.ToString()))
            return header.ToString().Trim();
        // Only on the hub: elsewhere a key in a URL would end up in proxies' and browsers' histories for nothing.
        if (!request.Path.StartsWithSegments(OpsHub.Path))
            return null;
        if (request.Query[QueryParameter].ToString() is { Length: > 0 } query && !string.IsNullOrWhiteSpace(query))
            return query.Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7 ? authorization[7..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (KeyOf(Request) is not { } keyText)
            return AuthenticateResult.NoResult();

        var key = await keys.AuthenticateAsync(keyText, Context.RequestAborted);
        if (key is null)
        {
            // Never the key: only the public prefix of a console-made key, which tells an operator which one it was.
            Logger.LogWarning("Refused an unknown or revoked API key with prefix {KeyPrefix}", PublicPrefix(keyText));
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, key.Id), new(ClaimTypes.Name, key.Name) };
        claims.AddRange(key.Scopes.Select(scope => new Claim(ScopeClaim, scope)));
        if (key.OwnerId is not null)
            claims.Add(new Claim(OwnerIdClaim, key.OwnerId));
        if (key.OwnerName is not null)
            claims.Add(new Claim(OwnerNameClaim, key.OwnerName));
        claims.Add(new Claim(KindClaim, key.Kind.ToString()));
        claims.AddRange((key.OwnerRoles ?? []).Select(role => new Claim(OwnerRoleClaim, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.None
            ? $"Send an API key in the {HeaderName} header. An Admin creates keys at /admin/api-keys."
            : "The API key is unknown or revoked.";
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        await Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(a => ApiKeyPolicies.ScopesOf(a.Policy)).FirstOrDefault(s => s.Count > 0) ?? [];
        var personalOnly = needed.Count > 0 && needed.All(ApiScopes.PersonalOnly.Contains)
                           && !Context.User.HasClaim(KindClaim, nameof(ApiKeyKind.PersonalToken));
        var detail = needed.Count == 0
            ? "The API key lacks the scope this endpoint needs."
            : personalOnly
                ? $"This is done as a person, never as a service key: use a personal token with the scope {string.Join(" or ", needed)}, " +
                  "made by its owner at /account/tokens."
                : $"The API key lacks the scope this endpoint needs: {string.Join(" or ", needed)}.";
        return Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            extensions: new Dictionary<string, object?> { ["requiredScopes"] = needed }).ExecuteAsync(Context);
    }

    /// <summary>The "ops_xxxxxxxx" part of a console-made key; configured keys have no public part, so nothing.</summary>
    private static string PublicPrefix(string key) =>
        key.Length > 13 && key.StartsWith("ops_", StringComparison.Ordinal) && key[12] == '_' ? key[..12] : "(none)";
}
