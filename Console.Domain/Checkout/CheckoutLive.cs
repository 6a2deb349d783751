using Microsoft.Extensions.Hosting;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Checkout;

/// <summary>One second of checkout attempts as the console instances stored them (by arrival here, all services).</summary>
public sealed record LiveSecond(DateTimeOffset Second, long Attempts, long Successes, IReadOnlyDictionary<string, long> FailuresByClass,
    double P50Ms, double P95Ms, double P99Ms, decimal Revenue)
{
    public double? SuccessRate => Attempts == 0 ? null : (double)Successes / Attempts;
}

/// <summary>
/// Per-second live figures in memory, for dashboards that want to move every second: the stored minute
/// buckets (<see cref="CheckoutHealth"/>) are the record, this is the pulse. It sees the batches that this
/// console instance stored and, through <see cref="PostgresLiveBridge"/>, those the other instances on the store
/// stored; every second it publishes a <see cref="CheckoutHealthTick"/>, empty or not.
/// </summary>
public sealed class CheckoutLive(LiveEvents live, TimeProvider time) : BackgroundService
{
    public const int SecondsKept = 60;

    private readonly Lock gate = new();
    private readonly Queue<LiveSecond> recent = new();
    // The tallies behind the non-empty recent seconds, so that a rolling minute has exact percentiles.
    private readonly Queue<(DateTimeOffset Second, CheckoutTally Tally)> recentTallies = new();
    private CheckoutTally current = new();
    private DateTimeOffset currentSecond = SecondOf(time.GetUtcNow());

    /// <summary>The last <see cref="SecondsKept"/> completed seconds, oldest first.</summary>
    public IReadOnlyList<LiveSecond> Recent
    {
        get { lock (gate) return recent.ToList(); }
    }

    /// <summary>
    /// The last <see cref="SecondsKept"/> seconds, the open one included: the "last minute" a dashboard shows before the
    /// minute buckets have the newest events (they trail by up to Checkout:RollupInterval).
    /// </summary>
    public CheckoutFigures RollingMinute()
    {
        var now = time.GetUtcNow();
        var from = now - TimeSpan.FromSeconds(SecondsKept);
        var total = new CheckoutTally();
        List<(DateTimeOffset Second, CheckoutTally Tally)> closed;
        long seen;
        lock (gate)
        {
            seen = version;
            closed = recentTallies.Where(t => t.Second >= from).ToList();
            if (Volatile.Read(ref rolling) is { } cached && cached.Version == seen && cached.Count == closed.Count
                && cached.First == (closed.Count == 0 ? default : closed[0].Second))
                return cached.Figures with { From = from, To = now };
            // The open second is still being added to: copied under the lock. Closed tallies never change again.
            total.Add(current);
        }
        total.Add(ClosedSum(closed));
        var figures = CheckoutFigures.Of(from, now, total);
        Volatile.Write(ref rolling, new RollingFigures(seen, closed.Count == 0 ? default : closed[0].Second, closed.Count, figures));
        return figures;
    }

    // Every open dashboard redraws on each stored batch and each second: 200 of them would each merge two latency histograms
    // (about 150 KB apiece, on the large object heap) into the same figures. Until a batch arrives or a second closes or
    // leaves the window, the figures are the same for all: computed once.
    private long version;
    private RollingFigures? rolling;

    private sealed record RollingFigures(long Version, DateTimeOffset First, int Count, CheckoutFigures Figures);

    // Every open dashboard asks for the rolling minute on each redraw; the closed seconds' sum (up to 60 histograms
    // merged) is the same for all of them until a second closes or leaves the window, so it is merged once.
    private ClosedSeconds? closedSum;

    private sealed record ClosedSeconds(DateTimeOffset First, DateTimeOffset Last, int Count, CheckoutTally Sum);

    private CheckoutTally ClosedSum(List<(DateTimeOffset Second, CheckoutTally Tally)> closed)
    {
        if (closed.Count == 0)
            return new CheckoutTally();
        var (first, last) = (closed[0].Second, closed[^1].Second);
        if (Volatile.Read(ref closedSum) is { } cached && cached.First == first && cached.Last == last && cached.Count == closed.Count)
            return cached.Sum;
        var sum = new CheckoutTally();
        foreach (var (_, tally) in closed)
            sum.Add(tally);
        Volatile.Write(ref closedSum, new ClosedSeconds(first, last, closed.Count, sum)); // never changed once cached: read by many
        return sum;
    }

    /// <summary>
    /// Counts a stored batch, then publishes <paramref name="announce"/> (the batch's news) before the ticks of the seconds
    /// it closed: a page redraws at most once per render gap, and the batch is what a person watches for, so a tick
    /// published first would hold the batch's render back by a whole gap.
    /// </summary>
    public void Record(IReadOnlyCollection<CheckoutEvent> stored, OpsEvent? announce = null)
    {
        if (stored.Count == 0)
            return;
        List<LiveSecond> closed;
        lock (gate)
        {
            closed = CloseUntil(SecondOf(time.GetUtcNow()));
            foreach (var e in stored)
                current.Add(e);
            version++;
        }
        if (announce is not null)
            live.Publish(announce);
        Publish(closed);
    }

    /// <summary>The figures of a batch another console instance stored, counted in the second they arrived here; then as above.</summary>
    public void Record(CheckoutTally storedElsewhere, OpsEvent? announce = null)
    {
        if (storedElsewhere.Attempts == 0)
            return;
        List<LiveSecond> closed;
        lock (gate)
        {
            closed = CloseUntil(SecondOf(time.GetUtcNow()));
            current.Add(storedElsewhere);
            version++;
        }
        if (announce is not null)
            live.Publish(announce);
        Publish(closed);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<LiveSecond> closed;
            lock (gate)
                closed = CloseUntil(SecondOf(time.GetUtcNow()));
            Publish(closed);
        }
    }

    /// <summary>Closes every second before <paramref name="second"/>; after a long quiet spell only the last minute's worth.</summary>
    private List<LiveSecond> CloseUntil(DateTimeOffset second)
    {
        var closed = new List<LiveSecond>();
        if (second - currentSecond > TimeSpan.FromSeconds(SecondsKept))
            currentSecond = second - TimeSpan.FromSeconds(SecondsKept);
        while (currentSecond < second)
        {
            var c = current;
            var done = new LiveSecond(currentSecond, c.Attempts, c.Successes, c.FailuresByClassName(), c.PercentileMs(50), c.PercentileMs(95),
                c.PercentileMs(99), c.Revenue);
            recent.Enqueue(done);
            while (recent.Count > SecondsKept)
                recent.Dequeue();
            closed.Add(done);
            if (c.Attempts > 0)
            {
                recentTallies.Enqueue((currentSecond, c));
                current = new CheckoutTally();
                version++;
            }
            while (recentTallies.Count > 0 && recentTallies.Peek().Second <= second - TimeSpan.FromSeconds(SecondsKept + 1))
                recentTallies.Dequeue();
            currentSecond += TimeSpan.FromSeconds(1);
        }
        return closed;
    }

    private void Publish(List<LiveSecond> closed)
    {
        foreach (var second in closed)
            live.Publish(new CheckoutHealthTick(second));
    }

    private static DateTimeOffset SecondOf(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
