namespace OpsConsole.Domain.Data;

/// <summary>
/// The Data Protection key ring (it encrypts target connection strings) lives in the console store. With a certificate
/// its keys are stored encrypted, so that someone who can read the store cannot read them.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key; empty: keys are stored in clear.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}
