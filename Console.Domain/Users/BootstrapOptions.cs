namespace OpsConsole.Domain.Users;

public sealed class BootstrapOptions : IValidatedOptions
{
    public const string Section = "Bootstrap";

    /// <summary>Identity's password length rule, checked here too so that a short password fails the start, not the first one.</summary>
    public const int MinPasswordLength = 10;

    /// <summary>Password of the first <c>admin</c> account, used only when the store has no users yet.</summary>
    public string? AdminPassword { get; set; }

    public string? Problem() => string.IsNullOrEmpty(AdminPassword) || AdminPassword.Length >= MinPasswordLength ? null
        : $"Bootstrap:AdminPassword must be at least {MinPasswordLength} characters (or unset, which generates one).";
}
