namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// One checkout of a run as it ended: when (since the run began), how long it took, and its error class (null: it succeeded).
/// The latency is null when the load engine did not measure it: pgbench logs no time for a failed transaction, and a guess
/// would be no figure of the run's.
/// </summary>
public sealed record CompletedCheckout(TimeSpan EndedAt, double? LatencyMs, string? ErrorClass);

/// <summary>One second of a run, for charts: checkouts that ended in it, how many failed, and their p95 (null when none ended).</summary>
public sealed record RunSecond(int Second, int Attempts, int Failures, double? P95Ms);

/// <summary>
/// What one load run measured, every figure from the run itself: checkouts that ended (failed ones included in the
/// latencies where the engine measured them, as shoppers waited for them too), failures by class, the database's deadlocks over the run (the change in
/// <c>pg_stat_database.deadlocks</c>), lock timeouts, the longest lock wait a checkout of the run was seen in (sampled every
/// second), and the run second by second. Latencies are null when no checkout ended: there is nothing to show, not zero.
/// </summary>
public sealed record RunFigures(
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    long Attempted,
    long Succeeded,
    IReadOnlyDictionary<string, long> FailuresByClass,
    long Deadlocks,
    long LockTimeouts,
    TimeSpan LongestLockWait,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    IReadOnlyList<RunSecond> Series)
{
    public long Failed => Attempted - Succeeded;

    /// <summary>Failed ÷ attempted (0 with no attempts; <see cref="Attempted"/> says whether there were any).</summary>
    public double FailureRate => Attempted == 0 ? 0 : (double)Failed / Attempted;

    /// <summary>Successful checkouts per second of the run.</summary>
    public double ThroughputPerSecond => Elapsed <= TimeSpan.Zero ? 0 : Succeeded / Elapsed.TotalSeconds;

    /// <summary>The figures of a run from its checkouts and what was read from the database around and during it.</summary>
    public static RunFigures Measure(DateTimeOffset startedAt, TimeSpan elapsed, IReadOnlyCollection<CompletedCheckout> checkouts, long deadlocks,
        TimeSpan longestLockWait)
    {
        // Every class is listed, with zero where none failed so, so that two runs line up side by side.
        var failures = Checkout.ErrorClasses.All.ToDictionary(c => c, _ => 0L, StringComparer.Ordinal);
        foreach (var failed in checkouts.Where(c => c.ErrorClass is not null))
            failures[failed.ErrorClass!] = failures.GetValueOrDefault(failed.ErrorClass!) + 1;
        var latencies = checkouts.Select(c => c.LatencyMs).OfType<double>().Order().ToArray();
        var seconds = checkouts.Count == 0 ? 0 : Math.Max((int)Math.Ceiling(elapsed.TotalSeconds), checkouts.Max(c => SecondOf(c.EndedAt)) + 1);
        var bySecond = checkouts.ToLookup(c => SecondOf(c.EndedAt));
        var series = Enumerable.Range(0, seconds).Select(s =>
        {
            var ended = bySecond[s].ToList();
            return new RunSecond(s, ended.Count, ended.Count(c => c.ErrorClass is not null), Percentile(ended.Select(c => c.LatencyMs).OfType<double>().Order().ToArray(), 0.95));
        }).ToList();
        return new RunFigures(startedAt, elapsed, checkouts.Count, checkouts.Count(c => c.ErrorClass is null), failures, deadlocks,
            failures.GetValueOrDefault(Checkout.ErrorClasses.DbLockTimeout), longestLockWait,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), series);
    }

    /// <summary>The nearest-rank percentile of sorted values: one of the measured values, never an interpolation; null when there are none.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double percentile) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int SecondOf(TimeSpan at) => Math.Max(0, (int)at.TotalSeconds);
}
