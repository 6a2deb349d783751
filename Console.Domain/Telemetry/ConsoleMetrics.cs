using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OpsConsole.Domain.Telemetry;

/// <summary>
/// The console's own figures, as <see cref="System.Diagnostics.Metrics"/> instruments of one meter (<see cref="MeterName"/>),
/// so that the domain knows nothing of how they leave the process: the web host exports them (Prometheus, OTLP) when asked to.
/// Names follow OpenTelemetry's dotted style with units; the Prometheus exporter turns <c>opsconsole.ingest.events</c> into
/// <c>opsconsole_ingest_events_total</c> and a histogram in seconds into <c>…_seconds_bucket</c>. Tags stay few and bounded
/// (a result, an outcome, a target's name, an event type): never an id, a user or a service name from a request.
/// </summary>
public sealed class ConsoleMetrics
{
    public const string MeterName = "OpsConsole";
    public const string LiveRenderLagName = "opsconsole.live.render.lag";

    // Seconds: the SDK's default boundaries (0 to 10,000) suit milliseconds and would put every figure here in the first bucket.
    private static readonly double[] SecondsBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly TimeProvider time;
    private readonly Counter<long> ingestEvents;
    private readonly Histogram<double> ingestBatchDuration;
    private readonly Counter<long> ingestThrottled;
    private readonly Histogram<long> ingestGroupBatches;
    private readonly Histogram<double> lockTickDuration;
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastLockTicks = new(StringComparer.Ordinal);
    private readonly Histogram<double> rollupLag;
    private readonly Histogram<double> liveDeliveryLag;
    private readonly Histogram<double> bridgeLag;
    private readonly Histogram<double> liveRenderLag;
    private readonly UpDownCounter<long> openCircuits;
    private readonly Counter<long> rollbacks;
    private readonly Histogram<double> rollbackDuration;
    private readonly Counter<long> driftChecks;
    private readonly Histogram<double> driftCheckDuration;

    public ConsoleMetrics(IMeterFactory meters, TimeProvider time)
    {
        this.time = time;
        var meter = meters.Create(MeterName);
        ingestEvents = meter.CreateCounter<long>("opsconsole.ingest.events", "{event}",
            "Checkout events received by the ingest (HTTP and the demo shop), by result: stored, or duplicate (already stored).");
        ingestBatchDuration = Seconds(meter, "opsconsole.ingest.batch.duration",
            "Time to store one checkout batch durably, from its slot to the commit.");
        ingestThrottled = meter.CreateCounter<long>("opsconsole.ingest.throttled", "{batch}",
            "Checkout batches refused with 429 because every ingest slot stayed busy.");
        ingestGroupBatches = meter.CreateHistogram("opsconsole.ingest.group.batches", "{batch}",
            "Checkout batches stored by one transaction: those that arrived while the previous one was being written go together (group commit).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
        lockTickDuration = Seconds(meter, "opsconsole.lock_sampler.tick.duration",
            "Time one lock sampler tick took to read a target and build its wait-for graph, by target.");
        meter.CreateObservableGauge("opsconsole.lock_sampler.lag", ObserveLockLag, "s",
            "Age of a target's latest lock sample on this instance, by target: above the sample interval, sampling is late.");
        rollupLag = Seconds(meter, "opsconsole.checkout.rollup.lag",
            "Age of the oldest checkout delta folded by a roll-up pass: how far the minute buckets trail the ingest.");
        liveDeliveryLag = Seconds(meter, "opsconsole.live.delivery.lag",
            "Time from a live event's publication to one subscriber having taken it (its handler returned), by event type.");
        bridgeLag = Seconds(meter, "opsconsole.live.bridge.lag",
            "Time from another console instance sending a live event (NOTIFY) to this one receiving it, by envelope type (the two clocks' skew included).");
        liveRenderLag = Seconds(meter, LiveRenderLagName,
            "Time from a checkout batch's commit to a live page's render batch showing it being handed to its circuit (sent to the browser), by page.");
        openCircuits = meter.CreateUpDownCounter<long>("opsconsole.circuits.open", "{circuit}",
            "Blazor Server circuits open on this instance (one per browser tab on a page).");
        rollbacks = meter.CreateCounter<long>("opsconsole.rollbacks", "{rollback}",
            "Rollback runs ended, by outcome: succeeded, failed, or needs_anyway (the precheck refused and nobody said roll back anyway).");
        rollbackDuration = Seconds(meter, "opsconsole.rollback.duration",
            "Time of one rollback run, from authorization to its recorded outcome, by outcome.");
        driftChecks = meter.CreateCounter<long>("opsconsole.drift.checks", "{check}",
            "Drift checks of one target, by result: clean, drift (an unregistered change found), unreachable, or skipped (a rehearsal owns staging).");
        driftCheckDuration = Seconds(meter, "opsconsole.drift.check.duration", "Time of one drift check of one target, by result.");
    }

    public void IngestStored(int stored, int duplicates, TimeSpan elapsed)
    {
        ingestEvents.Add(stored, Tag("result", "stored"));
        if (duplicates > 0)
            ingestEvents.Add(duplicates, Tag("result", "duplicate"));
        ingestBatchDuration.Record(elapsed.TotalSeconds);
    }

    public void IngestThrottled() => ingestThrottled.Add(1);

    public void IngestGroupWritten(int batches) => ingestGroupBatches.Record(batches);

    public void LockTick(string target, TimeSpan elapsed)
    {
        lockTickDuration.Record(elapsed.TotalSeconds, Tag("target", target));
        lastLockTicks[target] = time.GetUtcNow();
    }

    /// <summary>The sampler of <paramref name="target"/> stopped here (paused, retired, or taken over by another instance): no lag to report.</summary>
    public void LockSamplerStopped(string target) => lastLockTicks.TryRemove(target, out _);

    public void RollupPass(TimeSpan oldestDeltaAge) => rollupLag.Record(Math.Max(0, oldestDeltaAge.TotalSeconds));

    public void LiveDelivered(string eventType, TimeSpan elapsed) => liveDeliveryLag.Record(elapsed.TotalSeconds, Tag("event", eventType));

    public void BridgeDelivered(string envelopeType, TimeSpan elapsed) => bridgeLag.Record(Math.Max(0, elapsed.TotalSeconds), Tag("type", envelopeType));

    /// <summary>A page's render after a live event was sent to its browser, <paramref name="elapsed"/> after the event's commit.</summary>
    public void LiveRendered(string page, TimeSpan elapsed) => liveRenderLag.Record(elapsed.TotalSeconds, Tag("page", page));

    public void CircuitOpened() => openCircuits.Add(1);

    public void CircuitClosed() => openCircuits.Add(-1);

    public void RollbackEnded(string outcome, TimeSpan elapsed)
    {
        rollbacks.Add(1, Tag("outcome", outcome));
        rollbackDuration.Record(elapsed.TotalSeconds, Tag("outcome", outcome));
    }

    public void DriftChecked(string result, TimeSpan elapsed)
    {
        driftChecks.Add(1, Tag("result", result));
        driftCheckDuration.Record(elapsed.TotalSeconds, Tag("result", result));
    }

    private IEnumerable<Measurement<double>> ObserveLockLag()
    {
        var now = time.GetUtcNow();
        foreach (var (target, at) in lastLockTicks)
            yield return new Measurement<double>(Math.Max(0, (now - at).TotalSeconds), Tag("target", target));
    }

    private static Histogram<double> Seconds(Meter meter, string name, string description) =>
        meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBoundaries });

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
