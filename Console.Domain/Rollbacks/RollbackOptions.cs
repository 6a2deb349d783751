namespace OpsConsole.Domain.Rollbacks;

public sealed class RollbackOptions
{
    public const string Section = "Rollbacks";

    /// <summary>Secret for the HMAC-SHA256 signature of rollback webhook bodies (header X-OpsConsole-Signature).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Tries per webhook call; the wait doubles from 200 ms between them.</summary>
    public int WebhookAttempts { get; set; } = 3;
}
