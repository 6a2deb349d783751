using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.DemoShop;

/// <summary>What the demo shop page shows: totals since the console started and the last minute, second by second.</summary>
public sealed record DemoShopStatus(
    bool Running,
    bool InPeak,
    double TargetRate,
    double CurrentRate,
    int InFlight,
    DateTimeOffset? OldestInFlightSince,
    long Attempts,
    long Successes,
    long Failures,
    ShopWindow LastMinute,
    string? LastError);

/// <summary>Completed attempts within a window, failures by error class.</summary>
public sealed record ShopWindow(int Attempts, int Failures, IReadOnlyDictionary<string, int> FailuresByClass)
{
    public double FailureRate => Attempts == 0 ? 0 : (double)Failures / Attempts;
}

/// <summary>Live counters of the demo shop, a singleton the workload writes and pages read.</summary>
public sealed class DemoShopCounters(TimeProvider time)
{
    private const int Seconds = 60;
    private readonly Lock gate = new();
    private readonly Bucket[] ring = Enumerable.Range(0, Seconds).Select(_ => new Bucket()).ToArray();
    private long attempts, successes, failures;
    // When each attempt in flight began, by a number of its own: the oldest tells whether shoppers who arrived before a
    // moment (an outage, a rollback) are all served by now.
    private readonly Dictionary<long, DateTimeOffset> inFlight = [];
    private long lastAttempt;
    private bool running, inPeak;
    private double targetRate;
    private string? lastError;

    public void Record(string? errorClass)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        lock (gate)
        {
            var bucket = ring[second % Seconds];
            if (bucket.Second != second)
                bucket.Reset(second);
            bucket.Attempts++;
            attempts++;
            if (errorClass is null)
            {
                successes++;
                return;
            }
            failures++;
            bucket.Failures[errorClass] = bucket.Failures.GetValueOrDefault(errorClass) + 1;
        }
    }

    /// <summary>Attempts completed in the last <paramref name="window"/> (whole seconds, the current one included, at most a minute).</summary>
    public ShopWindow Window(TimeSpan window)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var from = now - Math.Clamp((long)Math.Ceiling(window.TotalSeconds), 1, Seconds) + 1;
        var byClass = ErrorClasses.All.ToDictionary(c => c, _ => 0);
        var total = 0;
        lock (gate)
        {
            foreach (var bucket in ring.Where(b => b.Second >= from && b.Second <= now))
            {
                total += bucket.Attempts;
                foreach (var (errorClass, count) in bucket.Failures)
                    byClass[errorClass] = byClass.GetValueOrDefault(errorClass) + count;
            }
        }
        return new ShopWindow(total, byClass.Values.Sum(), byClass);
    }

    public DemoShopStatus Snapshot()
    {
        // The rate over the last five whole seconds: steadier than the current, partial one.
        var recent = Window(TimeSpan.FromSeconds(6)).Attempts - Window(TimeSpan.FromSeconds(1)).Attempts;
        var lastMinute = Window(TimeSpan.FromMinutes(1));
        lock (gate)
            return new DemoShopStatus(running, inPeak, targetRate, recent / 5.0, inFlight.Count, inFlight.Count == 0 ? null : inFlight.Values.Min(),
                attempts, successes, failures, lastMinute, lastError);
    }

    internal void SetRunning(bool isRunning)
    {
        lock (gate)
        {
            running = isRunning;
            if (!isRunning)
                (inPeak, targetRate) = (false, 0);
        }
    }

    internal void SetPace(double rate, bool peak)
    {
        lock (gate)
            (targetRate, inPeak) = (rate, peak);
    }

    internal void SetError(string? error)
    {
        lock (gate)
            lastError = error;
    }

    /// <summary>An attempt begins; returns the number <see cref="AttemptEnded"/> takes.</summary>
    internal long AttemptStarted()
    {
        var began = time.GetUtcNow();
        lock (gate)
        {
            inFlight.Add(++lastAttempt, began);
            return lastAttempt;
        }
    }

    internal void AttemptEnded(long attempt)
    {
        lock (gate)
            inFlight.Remove(attempt);
    }

    private sealed class Bucket
    {
        public long Second = -1;
        public int Attempts;
        public Dictionary<string, int> Failures { get; } = [];

        public void Reset(long second)
        {
            Second = second;
            Attempts = 0;
            Failures.Clear();
        }
    }
}
