namespace OpsConsole.Domain.Rehearsals;

/// <summary>Collects a run's checkouts as they end and the longest lock wait sampled; safe to call from every shopper at once.</summary>
internal sealed class RunRecorder(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly List<CompletedCheckout> checkouts = [];
    // The same checkouts by the second they ended in, so that the live figures read one second, not the whole run.
    private readonly Dictionary<int, List<CompletedCheckout>> bySecond = [];
    private readonly long started = time.GetTimestamp();
    private TimeSpan longestLockWait;
    private long failed;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public TimeSpan Elapsed => time.GetElapsedTime(started);

    public void Ended(string? errorClass, TimeSpan latency)
    {
        var checkout = new CompletedCheckout(Elapsed, latency.TotalMilliseconds, errorClass);
        lock (gate)
        {
            checkouts.Add(checkout);
            var second = (int)checkout.EndedAt.TotalSeconds;
            if (!bySecond.TryGetValue(second, out var ended))
                bySecond[second] = ended = [];
            ended.Add(checkout);
            if (errorClass is not null)
                failed++;
        }
    }

    public void SawLockWait(TimeSpan wait)
    {
        lock (gate)
            if (wait > longestLockWait)
                longestLockWait = wait;
    }

    /// <summary>Checkouts ended and failed so far, and the longest lock wait seen so far.</summary>
    public (long Attempted, long Failed, TimeSpan LongestLockWait) Totals()
    {
        lock (gate)
            return (checkouts.Count, failed, longestLockWait);
    }

    /// <summary>The second that ended last (whole seconds since the start), for the live figures.</summary>
    public RunSecond? LastWholeSecond()
    {
        var second = (int)Elapsed.TotalSeconds - 1;
        if (second < 0)
            return null;
        List<double> latencies;
        int failures;
        lock (gate)
        {
            var ended = bySecond.GetValueOrDefault(second) ?? [];
            latencies = ended.Select(c => c.LatencyMs).OfType<double>().Order().ToList();
            failures = ended.Count(c => c.ErrorClass is not null);
        }
        return new RunSecond(second, latencies.Count, failures, RunFigures.Percentile(latencies, 0.95));
    }

    public RunFigures Figures(TimeSpan elapsed, long deadlocks)
    {
        lock (gate)
            return RunFigures.Measure(StartedAt, elapsed, [.. checkouts], deadlocks, longestLockWait);
    }
}
