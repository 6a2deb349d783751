namespace OpsConsole.Web.Hosting.Embedded;

/// <summary>Finds the PostgreSQL server programs of this machine: on PATH, else in Debian's versioned folder.</summary>
public sealed record PostgresBinaries(string InitDb, string PgCtl)
{
    private const string Remedy =
        "install the package 'postgresql' (apt-get install -y postgresql), or set ConnectionStrings:Console to an existing server.";

    public static PostgresBinaries Locate(string? configuredFolder = null)
    {
        foreach (var folder in CandidateFolders(configuredFolder))
        {
            var initdb = Path.Combine(folder, "initdb");
            var pgctl = Path.Combine(folder, "pg_ctl");
            if (File.Exists(initdb) && File.Exists(pgctl))
                return new PostgresBinaries(initdb, pgctl);
        }
        var where = string.IsNullOrWhiteSpace(configuredFolder) ? "on PATH or in /usr/lib/postgresql/*/bin" : $"in {configuredFolder} (Embedded:BinDirectory)";
        throw new PostgresNotInstalledException($"PostgreSQL server programs (initdb, pg_ctl) were not found {where}: {Remedy}");
    }

    private static IEnumerable<string> CandidateFolders(string? configuredFolder)
    {
        if (!string.IsNullOrWhiteSpace(configuredFolder))
        {
            // An explicit folder is the only place looked at: a wrong setting should fail, not be papered over.
            yield return configuredFolder;
            yield break;
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            yield return folder;
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
            foreach (var version in Directory.GetDirectories(debian).OrderByDescending(v => int.TryParse(Path.GetFileName(v), out var n) ? n : 0))
                yield return Path.Combine(version, "bin");
    }
}

public sealed class PostgresNotInstalledException(string message) : Exception(message);
