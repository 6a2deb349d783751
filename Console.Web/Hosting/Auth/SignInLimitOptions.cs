using OpsConsole.Domain;
using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Web.Hosting.Auth;

/// <summary>How many password sign-ins (and password changes) one client address may try per window.</summary>
public sealed class SignInLimitOptions : IValidatedOptions
{
    public const string Section = "Authentication";

    public int SignInPermitLimit { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    public string? Problem() => First(
        AtLeast("Authentication:SignInPermitLimit", SignInPermitLimit, 1),
        AtLeast("Authentication:SignInWindow", SignInWindow, TimeSpan.FromSeconds(1)));
}
