using System.Collections.Concurrent;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Web.Components.Pages.Health;

/// <summary>What a Health page shows of its window from the store.</summary>
public sealed record HealthWindow(IReadOnlyList<string> Services, CheckoutHeadline Headline, IReadOnlyList<CheckoutMinutePoint> Series,
    IReadOnlyList<ChangeMark> Marks);

/// <summary>
/// The Health page's timed rereads of its window (a new minute, buckets catching up with a batch), shared by every open
/// dashboard that asks the same question in the same second: after a batch, 200 dashboards ask the store once instead of
/// 200 times (four queries and a dozen latency histograms decoded each), and hold one copy of the answer. Rereads for a
/// reason of their own (a change moved, another service or window picked) go to the store directly. A failed read is not kept.
/// </summary>
public sealed class HealthWindowReads(CheckoutHealth health, ChangeMarks changeMarks)
{
    private static readonly TimeSpan Kept = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<Key, Lazy<Task<HealthWindow>>> reads = new();

    /// <summary>The window as of <paramref name="now"/> (a whole second: the callers of one second share it).</summary>
    public async Task<HealthWindow> SharedAsync(DateTimeOffset now, DateTimeOffset from, DateTimeOffset to, string? service)
    {
        foreach (var old in reads.Keys.Where(k => k.Now < now - Kept))
            reads.TryRemove(old, out _);
        var key = new Key(now, from, to, service);
        var read = reads.GetOrAdd(key, k => new Lazy<Task<HealthWindow>>(() => ReadAsync(k.Now, k.From, k.To, k.Service)));
        try
        {
            return await read.Value;
        }
        catch
        {
            reads.TryRemove(new KeyValuePair<Key, Lazy<Task<HealthWindow>>>(key, read));
            throw;
        }
    }

    public async Task<HealthWindow> ReadAsync(DateTimeOffset now, DateTimeOffset from, DateTimeOffset to, string? service) => new(
        await health.ServicesAsync(now - TimeSpan.FromDays(1), now),
        await health.HeadlineAsync(now, service),
        await health.SeriesAsync(from, to, service),
        await changeMarks.InWindowAsync(from, to));

    private sealed record Key(DateTimeOffset Now, DateTimeOffset From, DateTimeOffset To, string? Service);
}
