using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Checkout health from the stored minute buckets: headline figures and per-minute time series, per service or
/// across all. Reads only buckets (never raw events), so a dashboard refreshing every few seconds stays cheap
/// however busy checkout is; buckets trail the events by at most Checkout:RollupInterval, which is why the
/// headline speaks of whole minutes.
/// </summary>
public sealed class CheckoutHealth(IDbContextFactory<OpsDbContext> dbFactory)
{
    /// <summary>A series spans at most this many minutes (31 days).</summary>
    public const int MaxSeriesMinutes = 31 * 24 * 60;

    /// <summary>The last whole minute and the last five whole minutes before <paramref name="now"/>.</summary>
    public async Task<CheckoutHeadline> HeadlineAsync(DateTimeOffset now, string? service = null, CancellationToken ct = default)
    {
        var end = CheckoutMinute.MinuteOf(now);
        var buckets = await BucketsAsync(end.AddMinutes(-5), end, service, ct);
        var lastMinute = new CheckoutTally();
        var lastFive = new CheckoutTally();
        foreach (var bucket in buckets)
        {
            var tally = bucket.ToTally();
            lastFive.Add(tally);
            if (bucket.Minute == end.AddMinutes(-1))
                lastMinute.Add(tally);
        }
        return new CheckoutHeadline(service, CheckoutFigures.Of(end.AddMinutes(-1), end, lastMinute), CheckoutFigures.Of(end.AddMinutes(-5), end, lastFive));
    }

    /// <summary>Figures over the whole minutes from <paramref name="from"/> (rounded down) to <paramref name="to"/> (exclusive).</summary>
    public async Task<CheckoutFigures> WindowAsync(DateTimeOffset from, DateTimeOffset to, string? service = null, CancellationToken ct = default)
    {
        var start = CheckoutMinute.MinuteOf(from);
        var total = new CheckoutTally();
        foreach (var bucket in await BucketsAsync(start, to, service, ct))
            total.Add(bucket.ToTally());
        return CheckoutFigures.Of(start, to, total);
    }

    /// <summary>One point per minute from <paramref name="from"/> (rounded down) to <paramref name="to"/> (exclusive), empty minutes included.</summary>
    public async Task<IReadOnlyList<CheckoutMinutePoint>> SeriesAsync(DateTimeOffset from, DateTimeOffset to, string? service = null,
        CancellationToken ct = default)
    {
        var start = CheckoutMinute.MinuteOf(from);
        if (to <= start)
            return [];
        if ((to - start).TotalMinutes > MaxSeriesMinutes)
            throw new DomainRuleException($"A series spans at most {MaxSeriesMinutes / 1440} days.", "to");
        var byMinute = (await BucketsAsync(start, to, service, ct)).GroupBy(b => b.Minute).ToDictionary(g => g.Key, g => g.ToList());
        var points = new List<CheckoutMinutePoint>();
        for (var minute = start; minute < to; minute = minute.AddMinutes(1))
            points.Add(byMinute.TryGetValue(minute, out var buckets) ? PointOf(minute, buckets) : PointOf(minute, []));
        return points;
    }

    /// <summary>The first minute with checkouts in the window (of the service, or of any), or null when there are none.</summary>
    public async Task<DateTimeOffset?> FirstMinuteAsync(DateTimeOffset from, DateTimeOffset to, string? service = null, CancellationToken ct = default)
    {
        var start = CheckoutMinute.MinuteOf(from);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.CheckoutMinutes.Where(m => m.Minute >= start && m.Minute < to && m.Attempts > 0);
        if (service is not null)
            query = query.Where(m => m.Service == service);
        return await query.MinAsync(m => (DateTimeOffset?)m.Minute, ct);
    }

    /// <summary>The services with buckets in the window, for pickers.</summary>
    public async Task<IReadOnlyList<string>> ServicesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CheckoutMinutes.Where(m => m.Minute >= from && m.Minute < to).Select(m => m.Service).Distinct().OrderBy(s => s).ToListAsync(ct);
    }

    private static CheckoutMinutePoint PointOf(DateTimeOffset minute, List<CheckoutMinute> buckets)
    {
        if (buckets.Count == 1)
        {
            // One service's minute: its stored percentiles are exact already, no histogram to decode.
            var b = buckets[0];
            return new CheckoutMinutePoint(minute, b.Attempts, b.Successes, b.Failures, b.Attempts == 0 ? null : (double)b.Successes / b.Attempts,
                b.LatencyP50Ms, b.LatencyP95Ms, b.LatencyP99Ms, b.Revenue,
                ErrorClasses.All.Zip(b.FailuresByClass).ToDictionary(p => p.First, p => p.Second));
        }
        var t = new CheckoutTally();
        foreach (var bucket in buckets)
            t.Add(bucket.ToTally());
        return new CheckoutMinutePoint(minute, t.Attempts, t.Successes, t.Failures, t.SuccessRate, t.PercentileMs(50), t.PercentileMs(95),
            t.PercentileMs(99), t.Revenue, t.FailuresByClassName());
    }

    private async Task<List<CheckoutMinute>> BucketsAsync(DateTimeOffset from, DateTimeOffset to, string? service, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.CheckoutMinutes.AsNoTracking().Where(m => m.Minute >= from && m.Minute < to);
        if (service is not null)
            query = query.Where(m => m.Service == service);
        return await query.OrderBy(m => m.Minute).ToListAsync(ct);
    }
}
