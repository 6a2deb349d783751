using OpsConsole.Domain.Users;

namespace OpsConsole.Web.Hosting.Auth;

/// <summary>
/// A person signed in with a password that must change (the generated first one) is sent to the change-password
/// page from every page until it is changed. API and hub clients sign in with keys, not this cookie, and are unaffected.
/// </summary>
public static class PasswordChangeRequirement
{
    public const string PagePath = "/account/password";

    public static IApplicationBuilder UsePasswordChangeRequirement(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.User.HasClaim(c => c.Type == OpsClaimsPrincipalFactory.MustChangePasswordClaim) && !Exempt(http.Request.Path))
        {
            var returnUrl = http.Request.Path + http.Request.QueryString;
            http.Response.Redirect($"{PagePath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return;
        }
        await next(http);
    });

    /// <summary>The account pages (sign-out, the change itself), files the pages load, health probes, API and hub.</summary>
    private static bool Exempt(PathString path) =>
        path.StartsWithSegments("/account") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
        || path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/healthz")
        || path.StartsWithSegments("/readyz") || Path.HasExtension(path.Value);
}
