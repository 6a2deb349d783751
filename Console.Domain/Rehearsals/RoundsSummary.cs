namespace OpsConsole.Domain.Rehearsals;

/// <summary>A figure across rounds: its median, and the smallest and largest value, so that noise is visible.</summary>
public sealed record Spread(double Median, double Min, double Max)
{
    /// <summary>Null when no round has the figure.</summary>
    public static Spread? Of(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0)
            return null;
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }

    public static Spread Of(IEnumerable<double> values) => Of(values.Select(v => (double?)v))!;
}

/// <summary>
/// Repeated rounds of one side of a rehearsal (the baseline, or the change) in one view: the median and spread of each
/// figure. Latencies are null only when no round ended a checkout.
/// </summary>
public sealed record RoundsSummary(
    int Rounds,
    Spread Attempted,
    Spread Succeeded,
    Spread ThroughputPerSecond,
    Spread FailureRate,
    IReadOnlyDictionary<string, Spread> FailuresByClass,
    Spread Deadlocks,
    Spread LockTimeouts,
    Spread LongestLockWaitSeconds,
    Spread? P50Ms,
    Spread? P95Ms,
    Spread? P99Ms)
{
    public static RoundsSummary Of(IReadOnlyList<RunFigures> rounds)
    {
        if (rounds.Count == 0)
            throw new ArgumentException("A summary needs at least one round.", nameof(rounds));
        Spread Each(Func<RunFigures, double> figure) => Spread.Of(rounds.Select(figure));
        var classes = rounds.SelectMany(r => r.FailuresByClass.Keys).Distinct(StringComparer.Ordinal);
        return new RoundsSummary(rounds.Count, Each(r => r.Attempted), Each(r => r.Succeeded), Each(r => r.ThroughputPerSecond), Each(r => r.FailureRate),
            classes.ToDictionary(c => c, c => Each(r => r.FailuresByClass.GetValueOrDefault(c)), StringComparer.Ordinal),
            Each(r => r.Deadlocks), Each(r => r.LockTimeouts), Each(r => r.LongestLockWait.TotalSeconds),
            Spread.Of(rounds.Select(r => r.P50Ms)), Spread.Of(rounds.Select(r => r.P95Ms)), Spread.Of(rounds.Select(r => r.P99Ms)));
    }
}
