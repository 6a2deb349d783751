namespace OpsConsole.Domain.Data;

/// <summary>
/// The Data Protection key ring (it encrypts target connection strings) lives in the console store. With a certificate
/// its keys are stored encrypted, so that someone who can read the store cannot read them.
/// </summary>
public sealed class KeyRingOptions : IValidatedOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key; empty: keys are stored in clear.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Whether the file reads as a certificate is checked when it is loaded (<see cref="KeyRing"/>).</summary>
    public string? Problem() => string.IsNullOrEmpty(CertificatePassword) || !string.IsNullOrWhiteSpace(CertificatePath) ? null
        : "DataProtection:CertificatePassword is set but DataProtection:CertificatePath is empty: name the PKCS#12 file it opens, or the key ring is stored in clear.";
}
