using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Pages.Locks;
using OpsConsole.Web.Components.Shared;
namespace OpsConsole.Web.Components.Pages.Health;

/// <summary>
/// The home page: checkout figures of the last minute (live, from <see cref="CheckoutLive"/>, so that a batch shows within
/// a second although the minute buckets trail by up to two) and the last five, lock figures per target, and charts with
/// change markers. Everything is pushed over the circuit from the live bus; the browser never polls.
/// </summary>
public partial class HealthPage : IDisposable
{
    internal const string AllServices = "";
    // Short enough that a stored batch is on screen well within a second; long enough that a busy checkout does not redraw per batch.
    private static readonly TimeSpan RenderGap = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan BucketRefreshGap = TimeSpan.FromSeconds(5);
    // Buckets trail the events by Checkout:RollupInterval (2 s): keep rereading until a read came this long after the last batch.
    private static readonly TimeSpan RollupLag = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxCustomWindow = TimeSpan.FromDays(7);

    [Inject] public required CheckoutHealth Health { get; init; }
    [Inject] public required CheckoutLive LiveFigures { get; init; }
    [Inject] public required LiveEvents Live { get; init; }
    [Inject] public required LockMonitor Monitor { get; init; }
    [Inject] public required LockHistory LockHistory { get; init; }
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required ChangeMarks ChangeMarks { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

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
    private readonly Dictionary<Guid, DeadlockTally> deadlocks = [];
    private TimeRange range = TimeRange.Hour;
    private string? customFrom, customTo, customError;
    private (DateTimeOffset From, DateTimeOffset To) window;
    private DateTimeOffset chartFrom, lastBucketLoad, lastStored;
    private long received;
    private volatile bool marksDirty, targetsDirty;
    private IDisposable? subscription;
    private RenderThrottle? throttle;

    private DateTimeOffset Now => Time.GetUtcNow();
    private string? SelectedService => service == AllServices ? null : service;
    private long Received => Interlocked.Read(ref received);

    private string CurlHint =>
        $$"""curl -X POST {{Navigation.BaseUri}}api/v1/checkout-events -H "X-Api-Key: $KEY" -H "Content-Type: application/json" -d '[{"eventId":"e-1","occurredAt":"{{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}","outcome":"failed","errorClass":"db_deadlock","latencyMs":840,"service":"checkout"}]'""";

    protected override void OnInitialized()
    {
        throttle = new RenderThrottle(RenderGap, () => InvokeAsync(RefreshAsync));
        subscription = Live.Subscribe(OnEvent);
    }

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

    /// <summary>Runs on the publisher's thread: only notes what happened and asks the throttle for a render.</summary>
    private Task OnEvent(OpsEvent e)
    {
        switch (e)
        {
            case CheckoutEventsStored stored:
                Interlocked.Add(ref received, stored.Count);
                lastStored = Now;
                break;
            case CheckoutHealthTick tick:
                lastSecond = tick.Second;
                break;
            case LocksSampled s:
                TallyOf(s.TargetId).Add(s.At, s.Deadlocks);
                break;
            case ChangeUpdated:
                marksDirty = true;
                break;
            case TargetUpdated:
                targetsDirty = true;
                break;
            default:
                return Task.CompletedTask;
        }
        throttle?.Request();
        return Task.CompletedTask;
    }

    /// <summary>Live figures first (memory only, rendered at once), then whatever needs the store.</summary>
    private async Task RefreshAsync()
    {
        RefreshLive();
        StateHasChanged();
        var now = Now;
        var newMinute = CheckoutMinute.MinuteOf(now) != CheckoutMinute.MinuteOf(lastBucketLoad);
        var bucketsBehind = lastBucketLoad < lastStored + RollupLag && now - lastBucketLoad >= BucketRefreshGap;
        if (targetsDirty)
        {
            targetsDirty = false;
            await LoadTargetsAsync();
        }
        if (marksDirty || (range != TimeRange.Custom && (newMinute || bucketsBehind)))
        {
            marksDirty = false;
            await LoadWindowAsync();
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
        var now = Now;
        lockFigures = targets.Select(t => Monitor.Latest(t.Id) is { } sample
                ? new TargetLockFigures(t.Id, t.Name, sample.Waiting, sample.LongestWait, TallyOf(t.Id).Since(now - TimeSpan.FromMinutes(1)))
                : new TargetLockFigures(t.Id, t.Name, null, TimeSpan.Zero, TallyOf(t.Id).Since(now - TimeSpan.FromMinutes(1))))
            .ToList();
    }

    private DeadlockTally TallyOf(Guid targetId)
    {
        lock (deadlocks)
        {
            if (!deadlocks.TryGetValue(targetId, out var tally))
                deadlocks[targetId] = tally = new DeadlockTally();
            return tally;
        }
    }

    private async Task LoadTargetsAsync()
    {
        targets = await Targets.ListAsync();
        var now = Now;
        // Seeded from the stored snapshots (kept for each tick that counted a deadlock), then fed by the live samples.
        foreach (var t in targets)
            foreach (var mark in await LockHistory.MarksAsync(t.Id, now - TimeSpan.FromMinutes(1), now))
                TallyOf(t.Id).Add(mark.At, mark.Deadlocks);
        RefreshLive();
    }

    /// <summary>Headline from the buckets, the window's series and change marks, the services for the filter.</summary>
    private async Task LoadWindowAsync()
    {
        if (Window() is not { } chosen)
            return;
        loadingWindow = true;
        try
        {
            var now = Now;
            window = chosen;
            chartFrom = CheckoutMinute.MinuteOf(window.From);
            services = await Health.ServicesAsync(now - TimeSpan.FromDays(1), now);
            headline = await Health.HeadlineAsync(now, SelectedService);
            series = await Health.SeriesAsync(window.From, window.To, SelectedService);
            marks = await ChangeMarks.InWindowAsync(window.From, window.To);
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

    private async Task SelectRangeAsync(TimeRange value)
    {
        range = value;
        if (range == TimeRange.Custom)
        {
            customFrom ??= TimeWindow.InputText(window.From);
            customTo ??= TimeWindow.InputText(window.To);
            return;
        }
        await LoadWindowAsync();
    }

    private (DateTimeOffset From, DateTimeOffset To)? Window()
    {
        (var chosen, customError) = TimeWindow.Resolve(range, customFrom, customTo, Now, MaxCustomWindow);
        return chosen;
    }



    public void Dispose()
    {
        subscription?.Dispose();
        throttle?.Dispose();
    }
}
