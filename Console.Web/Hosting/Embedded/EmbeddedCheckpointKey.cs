using System.Security.Cryptography;
using OpsConsole.Domain.Audit;

namespace OpsConsole.Web.Hosting.Embedded;

/// <summary>
/// The embedded default's audit checkpoint key: generated at the first start into a file only its owner can read,
/// beside the cluster (outside the store, which must never hold it), and read back at every later start.
/// </summary>
public static class EmbeddedCheckpointKey
{
    public const string FileName = "audit-checkpoint.key";

    /// <summary>Sets <c>Audit:CheckpointKey</c> from the key file under <paramref name="root"/>, unless configuration already sets one.</summary>
    public static void UseUnlessConfigured(IConfiguration configuration, string root)
    {
        const string setting = $"{AuditOptions.Section}:{nameof(AuditOptions.CheckpointKey)}";
        if (string.IsNullOrEmpty(configuration[setting]))
            configuration[setting] = ReadOrCreate(root);
    }

    public static string ReadOrCreate(string root)
    {
        var path = Path.Combine(root, FileName);
        if (File.Exists(path))
            return File.ReadAllText(path).Trim();
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        // Created 0600 from the start, so the key is never readable by others, not even for a moment.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(path, System.Text.Encoding.ASCII, options))
            file.Write(key);
        return key;
    }
}
