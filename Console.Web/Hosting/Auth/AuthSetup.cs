using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Users;

namespace OpsConsole.Web.Hosting.Auth;

public static class AuthSetup
{
    public const string LoginPath = "/account/login";

    /// <summary>Cookie sign-in on Identity, one policy per permission (from the domain's table), optional OIDC.</summary>
    public static IServiceCollection AddOpsAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // Outside Development the session cookies are always Secure: one sent over plain HTTP is a session given away.
        var secure = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthStateProvider>();
        services.AddHttpContextAccessor();

        var authentication = services.AddAuthentication(options =>
        {
            options.DefaultScheme = IdentityConstants.ApplicationScheme;
            options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        authentication.AddIdentityCookies();
        new IdentityBuilder(typeof(OpsUser), typeof(IdentityRole), services).AddSignInManager<OpsSignInManager>();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = LoginPath;
            cookie.AccessDeniedPath = "/account/access-denied";
            cookie.Cookie.Name = "opsconsole.auth";
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.Cookie.SecurePolicy = secure;
        });
        services.ConfigureExternalCookie(cookie => cookie.Cookie.SecurePolicy = secure);
        // Secure on every HTTPS request, not Always: with Always, ASP.NET Core refuses to render any form on a plain HTTP
        // request (a 500 on every page behind a TLS proxy that does not forward the scheme). It holds no session.
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddScoped<AccountSignIn>();
        services.AddSignInRateLimit();

        // Cookies carry roles as claims: re-check the security stamp every minute (not Identity's default 30),
        // so that a disabled user or a role change takes effect on the next request after that.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthorizationBuilder().AddPermissionPolicies();

        // Read now, as the handler is registered only when it is configured.
        var oidc = configuration.GetValidated<OidcOptions>(OidcOptions.Section);
        services.AddValidatedOptions<OidcOptions>(OidcOptions.Section);
        if (oidc.Enabled)
            authentication.AddOpenIdConnect(OidcOptions.Scheme, oidc.DisplayName, options =>
            {
                options.Authority = oidc.Authority;
                options.ClientId = oidc.ClientId;
                options.ClientSecret = oidc.ClientSecret;
                options.ResponseType = "code";
                options.SignInScheme = IdentityConstants.ExternalScheme;
                options.CallbackPath = "/account/sso/signin-oidc";
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = true;
                options.Scope.Add("profile");
            });
        return services;
    }

    private static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Enum.GetValues<Permission>())
            builder.AddPolicy(PermissionTable.PolicyName(permission), policy => policy.RequireRole(PermissionTable.RolesFor(permission)));
        builder.SetFallbackPolicy(null);
        return builder;
    }
}
