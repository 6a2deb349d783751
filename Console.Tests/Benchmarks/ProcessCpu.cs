using System.Diagnostics;

namespace OpsConsole.Tests.Benchmarks;

/// <summary>CPU seconds used so far by processes, from /proc (utime + stime, in USER_HZ = 100 ticks a second).</summary>
internal static class ProcessCpu
{
    private const double ClockTicksPerSecond = 100;

    public static double OfThisProcess() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>One process (a backend, say), or 0 once it has ended.</summary>
    public static double Of(int pid) => Fields(pid) is { } fields ? (long.Parse(fields[11]) + long.Parse(fields[12])) / ClockTicksPerSecond : 0;

    /// <summary>A cluster's postmaster and all its children (backends, WAL writer, checkpointer, ...).</summary>
    public static double OfCluster(string dataDirectory)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First());
        double seconds = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(folder), out var pid) && Fields(pid) is { } fields && (pid == postmaster || int.Parse(fields[1]) == postmaster))
                seconds += (long.Parse(fields[11]) + long.Parse(fields[12])) / ClockTicksPerSecond;
        return seconds;
    }

    // After "pid (name) ": state, ppid, ...; utime and stime are the 12th and 13th of these.
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // ended meanwhile
        }
    }
}
