using System.Globalization;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>
/// One transaction of a pgbench run, from its per-transaction log: the client, the script (0-based, in <c>-f</c> order),
/// when it ended since the run began, its latency (null when it failed: pgbench logs a failure's kind in place of its
/// time), and its error class (null: it committed).
/// </summary>
public sealed record PgbenchTransaction(int Client, int Script, TimeSpan EndedAt, double? LatencyMs, string? ErrorClass)
{
    public CompletedCheckout ToCheckout() => new(EndedAt, LatencyMs, ErrorClass);
}

/// <summary>
/// Reads pgbench 15's per-transaction log (<c>-l</c>): <c>client_id transaction_no time script_no time_epoch time_us
/// [schedule_lag] [retries]</c>, where <c>time</c> is the latency in microseconds (from the scheduled start under
/// <c>-R</c>, so a transaction that queued behind a slow one counts its wait) or, with <c>--failures-detailed</c>,
/// <c>serialization</c> or <c>deadlock</c> for a transaction that failed after its last try (<c>failed</c> without it).
/// <c>skipped</c> transactions (only under <c>--latency-limit</c>, never started) are not transactions of the run.
/// </summary>
public static class PgbenchLog
{
    public static IEnumerable<PgbenchTransaction> Parse(IEnumerable<string> lines, DateTimeOffset runStartedAt)
    {
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 6 || !Int(f[0], out var client) || !Int(f[3], out var script) || !Long(f[4], out var epoch) || !Long(f[5], out var micros))
                throw new InvalidDataException($"Line {lineNumber} of pgbench's transaction log is not in pgbench 15's format: {line}");
            if (f[2] == "skipped")
                continue;
            var endedAt = DateTimeOffset.FromUnixTimeSeconds(epoch).AddTicks(micros * TimeSpan.TicksPerMicrosecond) - runStartedAt;
            // pgbench stamps with the same wall clock the run's start was read from; a transaction cannot end before it.
            endedAt = endedAt < TimeSpan.Zero ? TimeSpan.Zero : endedAt;
            var (latency, errorClass) = f[2] switch
            {
                "serialization" => ((double?)null, ErrorClasses.DbSerialization),
                "deadlock" => (null, ErrorClasses.DbDeadlock),
                "failed" => (null, ErrorClasses.Other),
                _ when Long(f[2], out var us) => (us / 1000.0, null),
                _ => throw new InvalidDataException($"Line {lineNumber} of pgbench's transaction log has an unknown time: {line}"),
            };
            yield return new PgbenchTransaction(client, script, endedAt, latency, errorClass);
        }
    }

    private static bool Int(string s, out int value) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool Long(string s, out long value) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
