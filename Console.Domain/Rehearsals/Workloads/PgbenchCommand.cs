using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>
/// The pgbench command line of one run. The connection goes through libpq's environment variables, none inherited from
/// the console's own: the password in <c>PGPASSWORD</c>, never in the arguments, which any user of the machine can read.
/// </summary>
public static class PgbenchCommand
{
    public const string LogPrefix = "pgbench_log";

    public static ProcessStartInfo StartInfo(string binary, string connectionString, string applicationName, RehearsalProfileSettings profile,
        int seconds, string folder, IReadOnlyList<string> scriptFiles)
    {
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder,
        };
        var clients = profile.ConcurrentShoppers;
        string[] arguments =
        [
            "--no-vacuum",
            "--client", Text(clients),
            "--jobs", Text(Math.Clamp(Environment.ProcessorCount, 1, clients)),
            "--rate", profile.PacePerSecond.ToString("0.###", CultureInfo.InvariantCulture),
            "--time", Text(seconds),
            "--progress", "1",
            "--max-tries", Text(profile.MaxTries),
            "--failures-detailed",
            "--log", "--log-prefix", Path.Combine(folder, LogPrefix),
        ];
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        for (var i = 0; i < scriptFiles.Count; i++)
        {
            info.ArgumentList.Add("--file");
            info.ArgumentList.Add($"{scriptFiles[i]}@{Text(profile.Scripts[i].Weight)}");
        }

        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(inherited);
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        Set(info, "PGHOST", c.Host);
        Set(info, "PGPORT", Text(c.Port));
        Set(info, "PGUSER", c.Username);
        Set(info, "PGDATABASE", c.Database);
        Set(info, "PGPASSWORD", c.Password);
        Set(info, "PGAPPNAME", applicationName);
        Set(info, "PGCONNECT_TIMEOUT", Text(Math.Max(2, c.Timeout)));
        Set(info, "PGSSLMODE", c.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        });
        Set(info, "PGSSLROOTCERT", c.RootCertificate);
        Set(info, "PGSSLCERT", c.SslCertificate);
        Set(info, "PGSSLKEY", c.SslKey);
        Set(info, "PGOPTIONS", c.Options);
        return info;
    }

    private static void Set(ProcessStartInfo info, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            info.Environment[name] = value;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
