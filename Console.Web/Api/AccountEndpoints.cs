using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Users;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>Sign-out and single sign-on: they write cookies, so they are endpoints, not interactive components.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account");

        account.MapPost("/logout", async (AccountSignIn accounts) =>
        {
            await accounts.SignOutAsync();
            return TypedResults.LocalRedirect(AuthSetup.LoginPath);
        });

        account.MapPost("/sso", ([FromForm] string? returnUrl, IOptions<OidcOptions> oidc, SignInManager<OpsUser> signIn) =>
        {
            if (!oidc.Value.Enabled)
                return Results.Problem("Single sign-on is not configured.", statusCode: StatusCodes.Status404NotFound);
            var properties = signIn.ConfigureExternalAuthenticationProperties(OidcOptions.Scheme,
                $"/account/sso/complete?returnUrl={Uri.EscapeDataString(LocalOrHome(returnUrl))}");
            return Results.Challenge(properties, [OidcOptions.Scheme]);
        });

        account.MapGet("/sso/complete", async (string? returnUrl, HttpContext http, IOptions<OidcOptions> oidc,
            AccountSignIn signIn, ExternalAccounts accounts) =>
        {
            var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            if (!external.Succeeded || external.Principal is null)
                return Results.LocalRedirect($"{AuthSetup.LoginPath}?error=sso");
            var principal = external.Principal;
            var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
            var userName = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue("email") ?? subject;
            var displayName = principal.FindFirstValue("name") ?? userName;
            var roles = ExternalRoleMapping.Map(principal.FindAll(oidc.Value.RoleClaim).Select(c => c.Value), oidc.Value.RoleMap);

            var user = await accounts.SyncAsync(OidcOptions.Scheme, subject, userName, displayName, roles);
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            if (await signIn.ExternalSignInAsync(user, OidcOptions.Scheme) != SignInOutcome.SignedIn)
                return Results.LocalRedirect($"{AuthSetup.LoginPath}?error=disabled");
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        });

        return endpoints;
    }

    /// <summary>Only a path on this site: a return URL must never send a signed-in user elsewhere.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
            ? returnUrl
            : "/";
}
