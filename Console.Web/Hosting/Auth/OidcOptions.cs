using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Web.Hosting.Auth;

/// <summary>Optional single sign-on. Local accounts stay the default; this adds a button to the login page.</summary>
public sealed class OidcOptions : IValidatedOptions
{
    public const string Section = "Authentication:Oidc";
    public const string Scheme = "oidc";

    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string DisplayName { get; set; } = "Single sign-on";
    /// <summary>The claim that carries the identity provider's group or role names.</summary>
    public string RoleClaim { get; set; } = "roles";
    /// <summary>Provider role or group name → console role (Viewer, OnCall, DBA, Admin). Unmapped names that equal a console role are kept.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>Half a configuration is a mistake, not "off": sign-in would silently stay local only.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(ClientId))
            return null;
        return First(
            Required("Authentication:Oidc:Authority", Authority, "set it with ClientId, or neither to turn single sign-on off."),
            Required("Authentication:Oidc:ClientId", ClientId, "set it with Authority, or neither to turn single sign-on off."),
            Uri.TryCreate(Authority, UriKind.Absolute, out var authority) && authority.Scheme == Uri.UriSchemeHttps ? null
                : $"Authentication:Oidc:Authority must be an https address; it is '{Authority}'.",
            Required("Authentication:Oidc:ClientSecret", ClientSecret, "the console signs in to the identity provider as a confidential client."),
            Required("Authentication:Oidc:RoleClaim", RoleClaim, "name the claim that carries the provider's groups or roles."),
            RoleMap.FirstOrDefault(m => !Roles.IsKnown(m.Value)) is { Key: { } group } bad
                ? $"Authentication:Oidc:RoleMap:{group} maps to '{bad.Value}', which is none of {string.Join(", ", Roles.All)}."
                : null);
    }
}
