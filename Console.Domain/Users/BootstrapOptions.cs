namespace OpsConsole.Domain.Users;

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    /// <summary>Password of the first <c>admin</c> account, used only when the store has no users yet.</summary>
    public string? AdminPassword { get; set; }
}
