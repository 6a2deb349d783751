using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>
/// The live counts of a pgbench run, from its <c>-P 1</c> lines on stderr (<c>progress: 5.0 s, 17.0 tps, lat 12.3 ms stddev
/// 4.5, 1 failed, lag 0.2 ms, 0 retried, 0 retries</c>): tps counts the committed transactions of the interval, failures
/// are counted apart. While it runs pgbench gives a mean, not percentiles, so the live second has no p95; the run's figures
/// come from the transaction log afterwards.
/// </summary>
public sealed partial class PgbenchProgress
{
    private readonly Lock gate = new();
    private double lastAt;
    private long attempted;
    private long failed;
    private RunSecond? lastSecond;

    /// <summary>Takes one stderr line; false when it is not a progress line (then it is one of pgbench's messages).</summary>
    public bool Take(string line)
    {
        var m = Line().Match(line);
        if (!m.Success)
            return false;
        var at = Number(m.Groups["at"].Value);
        var committed = (long)Math.Round(Number(m.Groups["tps"].Value) * Math.Max(0, at - lastAt));
        var f = Failed().Match(line);
        var failures = f.Success ? long.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        lock (gate)
        {
            lastAt = at;
            attempted += committed + failures;
            failed += failures;
            lastSecond = new RunSecond(Math.Max(0, (int)Math.Round(at) - 1), (int)(committed + failures), (int)failures, null);
        }
        return true;
    }

    public (long Attempted, long Failed, RunSecond? LastSecond) Totals()
    {
        lock (gate)
            return (attempted, failed, lastSecond);
    }

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^progress: (?<at>[0-9.]+) s, (?<tps>[0-9.]+) tps\b")]
    private static partial Regex Line();

    [GeneratedRegex(@", ([0-9]+) failed\b")]
    private static partial Regex Failed();
}
