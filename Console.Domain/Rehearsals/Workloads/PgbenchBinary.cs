using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>
/// Where pgbench is: on PATH, else where Debian's PostgreSQL 15 puts it. A scripted workload needs pgbench 15 or later
/// (<c>--max-tries</c> and <c>--failures-detailed</c> came with 15), so its version is checked once per binary.
/// </summary>
public static partial class PgbenchBinary
{
    public const int MinimumMajorVersion = 15;
    public static readonly IReadOnlyList<string> Fallbacks = ["/usr/lib/postgresql/15/bin"];

    private static readonly Dictionary<string, int> Versions = [];

    /// <summary>The first pgbench in <paramref name="path"/> (PATH's form) or in <paramref name="fallbacks"/>; a clear refusal when none is.</summary>
    public static string Find(string? path, IEnumerable<string> fallbacks)
    {
        var folders = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Concat(fallbacks);
        return folders.Select(f => Path.Combine(f, "pgbench")).FirstOrDefault(File.Exists) ?? throw Missing();
    }

    public static string Find() => Find(Environment.GetEnvironmentVariable("PATH"), Fallbacks);

    /// <summary>Throws when <paramref name="binary"/> is older than pgbench 15 (or does not say its version).</summary>
    public static async Task RequireVersionAsync(string binary, CancellationToken ct)
    {
        int major;
        lock (Versions)
            if (Versions.TryGetValue(binary, out major) && major >= MinimumMajorVersion)
                return;
        var info = new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw Missing();
        var output = await process.StandardOutput.ReadToEndAsync(ct) + await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var match = Version().Match(output);
        major = match.Success ? int.Parse(match.Groups[1].Value) : 0;
        if (major < MinimumMajorVersion)
            throw new DomainRuleException(
                $"{binary} is not pgbench {MinimumMajorVersion} or later ({output.Trim()}): install the package postgresql-client (version {MinimumMajorVersion} or later).",
                nameof(RehearsalProfileSettings.Scripts));
        lock (Versions)
            Versions[binary] = major;
    }

    private static DomainRuleException Missing() => new(
        $"pgbench is not installed on the console's machine, and a profile with SQL scripts is run by it: install the package postgresql-client " +
        $"(version {MinimumMajorVersion} or later; on Debian postgresql-client-{MinimumMajorVersion}).", nameof(RehearsalProfileSettings.Scripts));

    [GeneratedRegex(@"\(PostgreSQL\) (\d+)")]
    private static partial Regex Version();
}
