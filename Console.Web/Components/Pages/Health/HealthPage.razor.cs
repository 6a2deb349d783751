using System.Diagnostics;
using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Telemetry;
using OpsConsole.Web.Components.Shared;
namespace OpsConsole.Web.Components.Pages.Health;

/// <summary>
/// The home page: checkout figures of the last minute (live, from <see cref="CheckoutLive"/>, so that a batch shows within
/// a second although the minute buckets trail by up to two) and the last five, lock figures per target, and charts with
/// change markers. Everything is pushed over the circuit from the live bus; the browser never polls.
/// </summary>
public partial class HealthPage : LiveComponentBase
{
    internal const string AllServices = "";
    private static readonly TimeSpan BucketRefreshGap = TimeSpan.FromSeconds(5);
    // Buckets trail the events by Checkout:RollupInterval (2 s): keep rereading until a read came this long after the last batch.
    private static readonly TimeSpan RollupLag = TimeSpan.FromSeconds(3);

    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }
    [Inject] public required CheckoutLive LiveFigures { get; init; }
    [Inject] public required LockMonitor Monitor { get; init; }
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required HealthWindowReads WindowReads { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required ConsoleMetrics Metrics { get; init; }

    private bool loading = true, loadingWindow, hasData;
    private IReadOnlyList<string> services = [];
    private string service = AllServices;
    private CheckoutFigures? oneMinute;
    private CheckoutHeadline? headline;
    private LiveSecond? lastSecond;
    private IReadOnlyList<CheckoutMinutePoint>? series;
    private IReadOnlyList<ChangeMark> marks = [];
    private IReadOnlyList<TargetSummary> targets = [];
    private IReadOnlyList<TargetLockFigures> lockFigures = [];
    private readonly TimeWindowChoice range = new();
    private (DateTimeOffset From, DateTimeOffset To) window;
    private DateTimeOffset chartFrom, lastBucketLoad, lastStored;
    private long received;
    private volatile bool marksDirty, targetsDirty;
    // The commit of the oldest checkout batch not rendered yet (0: none), for the render lag metric.
    private long unrenderedSince;

    // Short enough that a stored batch is on screen well within a second; long enough that a busy checkout does not redraw per batch.
    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(200);
    private string? SelectedService => service == AllServices ? null : service;
    private long Received => Interlocked.Read(ref received);

    private string CurlHint =>
        $$"""curl -X POST {{Navigation.BaseUri}}api/v1/checkout-events -H "X-Api-Key: $KEY" -H "Content-Type: application/json" -d '[{"eventId":"e-1","occurredAt":"{{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}","outcome":"failed","errorClass":"db_deadlock","latencyMs":840,"service":"checkout"}]'""";

    protected override async Task OnInitializedAsync()
    {
        try
        {
            lastSecond = LiveFigures.Recent.LastOrDefault();
            await LoadTargetsAsync();
            await LoadWindowAsync();
        }
        finally
        {
            loading = false;
        }
    }

    protected override bool Notice(OpsEvent e)
    {
        switch (e)
        {
            case CheckoutEventsStored stored:
                Interlocked.Add(ref received, stored.Count);
                Interlocked.CompareExchange(ref unrenderedSince, stored.CommittedAt, 0);
                lastStored = Now;
                break;
            case CheckoutHealthTick tick:
                lastSecond = tick.Second;
                break;
            case LocksSampled:
                // Read from the monitor at the render, which has counted the tick's deadlocks already.
                break;
            case ChangeUpdated:
                marksDirty = true;
                break;
            case TargetUpdated:
                targetsDirty = true;
                break;
            default:
                return false;
        }
        return true;
    }

    // A stored batch or a change is what a person watches for; the second's tick and lock samples are routine, and a
    // render for them must not hold the batch that follows a moment later back by a whole gap.
    protected override bool IsUrgent(OpsEvent e) => e is CheckoutEventsStored or ChangeUpdated;

    /// <summary>Live figures first (memory only, rendered at once), then whatever needs the store.</summary>
    protected override async Task OnLiveAsync()
    {
        // Taken before the render: a batch noticed during it is measured at the next one (later, never too early).
        var since = Interlocked.Exchange(ref unrenderedSince, 0);
        RefreshLive();
        // On the circuit's dispatcher the render runs at once: when StateHasChanged returns, its batch has gone to SignalR.
        StateHasChanged();
        if (since != 0)
            Metrics.LiveRendered("health", Stopwatch.GetElapsedTime(since));
        var now = Now;
        var newMinute = CheckoutMinute.MinuteOf(now) != CheckoutMinute.MinuteOf(lastBucketLoad);
        var bucketsBehind = lastBucketLoad < lastStored + RollupLag && now - lastBucketLoad >= BucketRefreshGap;
        if (targetsDirty)
        {
            targetsDirty = false;
            await LoadTargetsAsync();
        }
        if (marksDirty || (!range.IsCustom && (newMinute || bucketsBehind)))
        {
            // A change that moved is this page's own news; the timed rereads are everyone's, and shared (HealthWindowReads).
            var shared = !marksDirty;
            marksDirty = false;
            await LoadWindowAsync(shared);
            StateHasChanged();
        }
    }

    private void RefreshLive()
    {
        var live = LiveFigures.RollingMinute();
        if (live.Attempts > 0 || Received > 0)
            hasData = true;
        // With a service picked, the live figures (all services) do not apply: its last whole minute from the buckets does.
        oneMinute = SelectedService is null ? live : headline?.LastMinute;
        var minuteAgo = Now - TimeSpan.FromMinutes(1);
        lockFigures = targets.Select(t => Monitor.Latest(t.Id) is { } sample
                ? new TargetLockFigures(t.Id, t.Name, sample.Waiting, sample.LongestWait, Monitor.DeadlocksSince(t.Id, minuteAgo))
                : new TargetLockFigures(t.Id, t.Name, null, TimeSpan.Zero, Monitor.DeadlocksSince(t.Id, minuteAgo)))
            .ToList();
    }

    private async Task LoadTargetsAsync()
    {
        targets = await Targets.ListAsync();
        foreach (var t in targets)
            await Monitor.LoadDeadlocksAsync(t.Id);
        RefreshLive();
    }

    /// <summary>Headline from the buckets, the window's series and change marks, the services for the filter.</summary>
    private Task LoadWindowAsync() => LoadWindowAsync(shared: false);

    /// <param name="shared">Whether a read of the same second by another dashboard will do (timed rereads only).</param>
    private async Task LoadWindowAsync(bool shared)
    {
        // Shared: a whole second, so that the dashboards rereading in the same second ask the same question (and a read
        // stamped at the start of its second is never taken for fresher than it is). A page's own reread reads up to now:
        // the news that asked for it (a change applied a moment ago) is within the window.
        var ticks = Now.UtcTicks;
        var now = new DateTimeOffset(shared ? ticks - ticks % TimeSpan.TicksPerSecond : ticks, TimeSpan.Zero);
        if (range.Resolve(now) is not { } chosen)
            return;
        loadingWindow = true;
        try
        {
            window = chosen;
            chartFrom = CheckoutMinute.MinuteOf(window.From);
            var read = shared
                ? await WindowReads.SharedAsync(now, window.From, window.To, SelectedService)
                : await WindowReads.ReadAsync(now, window.From, window.To, SelectedService);
            (services, headline, series, marks) = (read.Services, read.Headline, read.Series, read.Marks);
            lastBucketLoad = now;
            if (services.Count > 0 || series.Any(p => p.Attempts > 0))
                hasData = true;
            RefreshLive();
        }
        finally
        {
            loadingWindow = false;
        }
    }

    private async Task SelectServiceAsync(string value)
    {
        service = value ?? AllServices;
        await LoadWindowAsync();
    }
}
