namespace OpsConsole.Web.Hosting.Auth;

/// <summary>Optional single sign-on. Local accounts stay the default; this adds a button to the login page.</summary>
public sealed class OidcOptions
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
}
