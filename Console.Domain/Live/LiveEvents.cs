using System.Text.Json.Serialization;
using OpsConsole.Domain.Checkout;
using System.Diagnostics;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Live;

/// <summary>Something that open consoles should show at once.</summary>
public abstract record OpsEvent
{
    /// <summary>
    /// True when another console instance published it and <see cref="PostgresLiveBridge"/> brought it here: the
    /// bridge sends on only local events, so nothing goes round in circles. Not part of any wire format.
    /// </summary>
    [JsonIgnore]
    public bool Remote { get; init; }
}

public sealed record ChangeUpdated(Guid ChangeId, int Number, Guid TargetId, string Status) : OpsEvent;

public sealed record TargetUpdated(Guid TargetId) : OpsEvent;

/// <summary>
/// A rehearsal moved (<paramref name="Status"/> and <paramref name="Phase"/> as stored) or measured another second: where
/// it stands (<paramref name="Elapsed"/> of about <paramref name="Planned"/>) and, while a run is under way, its live
/// figures. Sent once a second while it runs, and on every status; re-read the rehearsal for the record.
/// </summary>
public sealed record RehearsalProgressed(Guid RehearsalId, Guid ChangeId, Guid TargetId, string Status, string Phase, int Round, int Rounds,
    TimeSpan Elapsed, TimeSpan Planned, RehearsalLiveFigures? Figures = null) : OpsEvent
{
    /// <summary>How far along, 0 to 1 (never past 0.99 before it has ended: the last checkouts and the revert take a moment).</summary>
    public double Fraction => Planned <= TimeSpan.Zero ? 0 : Math.Min(0.99, Elapsed / Planned);

    public TimeSpan TimeLeft => Planned > Elapsed ? Planned - Elapsed : TimeSpan.Zero;
}

/// <summary>The run under way, so far: checkouts ended and failed, under way now, the longest lock wait, and the last second's p95.</summary>
public sealed record RehearsalLiveFigures(string Side, long Attempted, long Failed, int InFlight, double LongestLockWaitSeconds, double? LastSecondP95Ms);

/// <summary>An incident's postmortem changed: a new version, or an action item added, edited or closed.</summary>
public sealed record PostmortemUpdated(Guid IncidentId, int LatestVersion) : OpsEvent;
/// <summary>An alert rule was edited, or fired or resolved; the rules page re-reads the store.</summary>
public sealed record AlertRuleUpdated(Guid RuleId) : OpsEvent;
/// <summary>
/// An incident was opened or changed (<paramref name="What"/>: "opened", "status", "timeline", "suspects", …); re-read it by
/// id. The title rides along for the snackbar that announces an opening.
/// </summary>
public sealed record IncidentUpdated(Guid IncidentId, int Number, string Status, string Severity, string What, string Title = "") : OpsEvent
{
    public const string OpenedWhat = "opened";

    [JsonIgnore]
    public bool Opened => What == OpenedWhat;
}

/// <summary>A lock sampler tick: sessions waiting now and deadlocks counted since the previous tick.</summary>
public sealed record LocksSampled(Guid TargetId, DateTimeOffset At, int Waiting, long Deadlocks) : OpsEvent
{
    /// <summary>The tick in full, on the instance that sampled it: what <see cref="PostgresLiveBridge"/> tells the others. Not part of any wire format.</summary>
    [JsonIgnore]
    public LockSample? Sample { get; init; }

    /// <summary>The stored snapshot of this tick (ticks where something waited), from which other instances read its graph.</summary>
    [JsonIgnore]
    public long? SnapshotId { get; init; }
}

/// <summary>A target's lock sampler started or stopped reaching it (told to the other instances, whose pages show it too).</summary>
public sealed record LockSamplerStatusChanged(Guid TargetId, bool Reachable, string? Error, DateTimeOffset Since) : OpsEvent;

/// <summary>A batch of checkout events was committed: <paramref name="Count"/> new ones, the latest occurring at <paramref name="Latest"/>.</summary>
public sealed record CheckoutEventsStored(int Count, DateTimeOffset Latest) : OpsEvent
{
    /// <summary>
    /// When this instance learnt of the commit (<see cref="Stopwatch.GetTimestamp"/>): right after it, for its own ingest;
    /// on arrival, for another instance's batch. Pages measure their render lag from here. Not part of any wire format.
    /// </summary>
    [JsonIgnore]
    public long CommittedAt { get; init; } = Stopwatch.GetTimestamp();
}

/// <summary>Once a second: the checkout attempts stored during the second that just ended, by this console and (through the live bridge) the others.</summary>
public sealed record CheckoutHealthTick(LiveSecond Second) : OpsEvent;

/// <summary>
/// The in-process live bus: services publish after their transaction commits; components subscribe and
/// dispose the subscription with themselves. A failing subscriber never breaks the publisher. Each delivery's lag (publication
/// to the subscriber's handler having returned) is measured, so that a slow page shows up in the console's own metrics.
/// </summary>
public sealed class LiveEvents(ConsoleMetrics metrics)
{
    private readonly Lock gate = new();
    private ImmutableSubscribers subscribers = new([]);

    public IDisposable Subscribe(Func<OpsEvent, Task> handler)
    {
        lock (gate) subscribers = new([.. subscribers.Handlers, handler]);
        return new Subscription(this, handler);
    }

    public void Publish(OpsEvent e)
    {
        var published = Stopwatch.GetTimestamp();
        foreach (var handler in subscribers.Handlers)
            _ = Deliver(handler, e, published);
    }

    private async Task Deliver(Func<OpsEvent, Task> handler, OpsEvent e, long published)
    {
        try { await handler(e); }
        catch { /* a subscriber's failure (a closed circuit, say) is the subscriber's own business */ }
        metrics.LiveDelivered(e.GetType().Name, Stopwatch.GetElapsedTime(published));
    }

    private void Unsubscribe(Func<OpsEvent, Task> handler)
    {
        lock (gate) subscribers = new([.. subscribers.Handlers.Where(h => h != handler)]);
    }

    private sealed record ImmutableSubscribers(Func<OpsEvent, Task>[] Handlers);

    private sealed class Subscription(LiveEvents bus, Func<OpsEvent, Task> handler) : IDisposable
    {
        public void Dispose() => bus.Unsubscribe(handler);
    }
}
