using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace OpsConsole.Domain.Data;

public static class KeyRing
{
    /// <summary>Encrypts the stored keys with the configured certificate, if there is one; a certificate that cannot be read stops the start.</summary>
    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder builder, KeyRingOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
            return builder;
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword,
                X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"{KeyRingOptions.Section}:CertificatePath {options.CertificatePath} cannot be read as a PKCS#12 file with its password: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException(
                $"{KeyRingOptions.Section}:CertificatePath {options.CertificatePath} holds no private key: the console could not read the keys it stores.");
        // Also registers it for decryption, without a certificate store.
        return builder.ProtectKeysWithCertificate(certificate);
    }
}
