using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>DataProtection:CertificatePath: the key ring in the store is encrypted, and only a console with the certificate reads it.</summary>
public sealed class KeyRingCertificateTests(PostgresClusterFixture postgres) : IDisposable
{
    private const string TargetConnectionString = "Host=db.internal;Database=orders;Username=opsconsole;Password=target-secret";
    private readonly string folder = PostgresClusterFixture.NewTempFolder("keyring");

    public void Dispose() => PostgresClusterFixture.TryDelete(folder);

    [Fact]
    public async Task WithACertificate_StoredKeysAreEncrypted_AndConnectionStringsRoundTripAcrossConsoles()
    {
        var store = await postgres.CreateStoreAsync("keyring");
        var withCertificate = new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = TestCertificates.WritePfx(folder, "opsconsole-keys", "ring-password"),
            ["DataProtection:CertificatePassword"] = "ring-password",
        };

        string protectedString;
        await using (var first = new ConsoleApp(store, withCertificate))
            protectedString = first.Service<TargetConnections>().Protect(TargetConnectionString);
        var keys = await StoredKeysAsync(store);
        string readBack;
        await using (var second = new ConsoleApp(store, withCertificate))
            readBack = second.Service<TargetConnections>().Unprotect(NewTarget(protectedString));

        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });
        Assert.Equal(TargetConnectionString, readBack);
    }

    [Fact]
    public async Task WithoutTheCertificate_AnotherConsoleCannotReadTheKeys()
    {
        var store = await postgres.CreateStoreAsync("keyring-thief");
        var withCertificate = new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = TestCertificates.WritePfx(folder, "opsconsole-keys", "ring-password"),
            ["DataProtection:CertificatePassword"] = "ring-password",
        };
        string protectedString;
        await using (var owner = new ConsoleApp(store, withCertificate))
            protectedString = owner.Service<TargetConnections>().Protect(TargetConnectionString);

        await using var without = new ConsoleApp(store);

        Assert.ThrowsAny<CryptographicException>(() => without.Service<TargetConnections>().Unprotect(NewTarget(protectedString)));
    }

    [Fact]
    public void AnUnreadableCertificate_StopsTheStart_NamingTheSetting()
    {
        var missing = Path.Combine(folder, "missing.pfx");
        var dataProtection = new ServiceCollection().AddDataProtection();

        var failure = Assert.Throws<InvalidOperationException>(() =>
            dataProtection.ProtectKeysWithConfiguredCertificate(new KeyRingOptions { CertificatePath = missing, CertificatePassword = "x" }));

        Assert.Contains("DataProtection:CertificatePath", failure.Message);
    }

    private static Target NewTarget(string protectedConnectionString) =>
        new("orders", TargetEnvironment.Production, protectedConnectionString, DateTimeOffset.UtcNow);

    private static async Task<List<string>> StoredKeysAsync(string store)
    {
        var options = new DbContextOptionsBuilder<OpsDbContext>();
        options.UseConsoleStore(store);
        await using var db = new OpsDbContext(options.Options);
        return await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }
}
