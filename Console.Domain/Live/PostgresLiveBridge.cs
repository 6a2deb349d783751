using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Domain.Live;

/// <summary>
/// Carries the live bus between console instances on one store through PostgreSQL LISTEN/NOTIFY on
/// <see cref="Channel"/>. What crosses, and why:
/// <list type="bullet">
/// <item><see cref="ChangeUpdated"/>, <see cref="TargetUpdated"/>, <see cref="IncidentUpdated"/>, <see cref="RehearsalProgressed"/>,
/// <see cref="PostmortemUpdated"/>, <see cref="AlertRuleUpdated"/>: sent by this bridge after the publisher's commit.</item>
/// <item><see cref="CheckoutEventsStored"/>: sent by the ingest inside its own transaction (<see cref="CheckoutNotifications"/>), so that
/// it is delivered exactly when the batch commits; the receiver also folds the batch's figures into its <see cref="CheckoutLive"/>.</item>
/// <item><see cref="CheckoutHealthTick"/> does not cross: every instance makes its own from its own and the others' batches; a forwarded
/// tick would count them twice.</item>
/// <item><see cref="LocksSampled"/> and <see cref="LockSamplerStatusChanged"/>: one instance samples each target (store locks), so the others
/// learn of its ticks here. A tick crosses as its figures and its stored snapshot's id (<see cref="LockTickNotice"/>), never its graph:
/// a busy graph outgrows any NOTIFY, and <see cref="RemoteLockSamples"/> reads it from the store.</item>
/// </list>
/// A dedicated connection listens, re-publishes other instances' events (marked <see cref="OpsEvent.Remote"/>) and drops its own,
/// and reconnects with back-off when the store goes away. Notifications sent while it was away are lost: they are hints to
/// refresh, and the store stays the record.
/// </summary>
public sealed class PostgresLiveBridge : BackgroundService
{
    public const string Channel = "ops_live";
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly LiveEvents live;
    private readonly CheckoutLive checkoutLive;
    private readonly RemoteLockSamples remoteLocks;
    private readonly TimeProvider time;
    private readonly ConsoleMetrics metrics;
    private readonly ILogger<PostgresLiveBridge> logger;
    private readonly NpgsqlDataSource senders;
    private readonly string listenConnectionString;
    // Refresh hints queue here rather than holding up the publisher; when the store is slow the oldest go first.
    private readonly Channel<OpsEvent> outbox =
        System.Threading.Channels.Channel.CreateBounded<OpsEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private IDisposable? subscription;

    public PostgresLiveBridge(string connectionString, LiveEvents live, CheckoutLive checkoutLive, RemoteLockSamples remoteLocks, TimeProvider time,
        ConsoleMetrics metrics, ILogger<PostgresLiveBridge> logger)
    {
        (this.live, this.checkoutLive, this.remoteLocks, this.time, this.metrics, this.logger) = (live, checkoutLive, remoteLocks, time, metrics, logger);
        senders = new NpgsqlDataSourceBuilder(connectionString)
        {
            ConnectionStringBuilder = { ApplicationName = "opsconsole-live", MaxPoolSize = 2 },
        }.Build();
        // Keepalives make a listener on a dead connection notice within seconds instead of waiting forever.
        listenConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "opsconsole-live-listen", Pooling = false, KeepAlive = 5, TcpKeepAlive = true,
        }.ConnectionString;
    }

    /// <summary>This process's id in every notification it sends.</summary>
    public Guid Origin { get; } = Guid.NewGuid();

    /// <summary>True while the listening connection is up (tests wait for it before sending).</summary>
    public bool Listening { get; private set; }

    /// <summary>The NOTIFY commands for a batch the caller is storing: add them to the batch's transaction.</summary>
    public IEnumerable<NpgsqlBatchCommand> CheckoutNotifications(IReadOnlyList<CheckoutEvent> stored) =>
        stored.Count == 0
            ? []
            : CheckoutStoredNotice.Of(stored).Select(notice =>
                Notify(Payload(LiveEnvelope.CheckoutStoredType, notice)));

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = live.Subscribe(OnLocalEvent);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        subscription?.Dispose();
        senders.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    private Task OnLocalEvent(OpsEvent e)
    {
        if (!e.Remote && e is ChangeUpdated or TargetUpdated or IncidentUpdated or RehearsalProgressed or PostmortemUpdated or AlertRuleUpdated
            or LocksSampled { Sample: not null } or LockSamplerStatusChanged)
            outbox.Writer.TryWrite(e);
        return Task.CompletedTask;
    }

    /// <summary>One sender, in publishing order, so that a change's statuses arrive in the order they happened.</summary>
    private async Task SendAsync(CancellationToken ct)
    {
        try
        {
            while (await outbox.Reader.WaitToReadAsync(ct))
            {
                await using var batch = senders.CreateBatch();
                while (batch.BatchCommands.Count < 100 && outbox.Reader.TryRead(out var e))
                    batch.BatchCommands.Add(Notify(e switch
                    {
                        ChangeUpdated c => Payload(LiveEnvelope.ChangeUpdatedType, c),
                        TargetUpdated t => Payload(LiveEnvelope.TargetUpdatedType, t),
                        IncidentUpdated i => Payload(LiveEnvelope.IncidentUpdatedType, i),
                        RehearsalProgressed r => Payload(LiveEnvelope.RehearsalProgressedType, r),
                        PostmortemUpdated p => Payload(LiveEnvelope.PostmortemUpdatedType, p),
                        AlertRuleUpdated a => Payload(LiveEnvelope.AlertRuleUpdatedType, a),
                        LocksSampled l => Payload(LiveEnvelope.LocksSampledType, LockTickNotice.Of(l.Sample!, l.SnapshotId)),
                        LockSamplerStatusChanged c => Payload(LiveEnvelope.LockStatusType, LockStatusNotice.Of(c)),
                        _ => throw new InvalidOperationException($"{e.GetType().Name} does not cross instances."),
                    }));
                try
                {
                    await batch.ExecuteNonQueryAsync(ct);
                }
                catch (Exception failure) when (failure is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(failure, "Live bridge: could not tell other instances of {Count} events", batch.BatchCommands.Count);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listenConnectionString);
                connection.Notification += (_, n) => Receive(n.Payload);
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                if (failures > 0)
                    logger.LogInformation("Live bridge: listening on {Channel} again", Channel);
                (failures, Listening) = (0, true);
                while (true)
                    await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception failure)
            {
                Listening = false;
                failures++;
                logger.LogWarning("Live bridge: not listening on {Channel} ({Error}); trying again in {Delay}", Channel, failure.Message, Backoff(failures));
                try { await Task.Delay(Backoff(failures), time, ct); }
                catch (OperationCanceledException) { break; }
            }
        }
        Listening = false;
    }

    private void Receive(string payload)
    {
        var envelope = LiveEnvelope.Parse(payload);
        if (envelope is null || envelope.Origin == Origin)
            return;
        if (envelope.SentAt is { } sentAt)
            metrics.BridgeDelivered(envelope.Type, time.GetUtcNow() - sentAt);
        try
        {
            switch (envelope.Type)
            {
                case LiveEnvelope.ChangeUpdatedType when envelope.DataAs<ChangeUpdated>() is { } change:
                    live.Publish(change with { Remote = true });
                    break;
                case LiveEnvelope.TargetUpdatedType when envelope.DataAs<TargetUpdated>() is { } target:
                    live.Publish(target with { Remote = true });
                    break;
                case LiveEnvelope.IncidentUpdatedType when envelope.DataAs<IncidentUpdated>() is { } incident:
                    live.Publish(incident with { Remote = true });
                    break;
                case LiveEnvelope.RehearsalProgressedType when envelope.DataAs<RehearsalProgressed>() is { } rehearsal:
                    live.Publish(rehearsal with { Remote = true });
                    break;
                case LiveEnvelope.PostmortemUpdatedType when envelope.DataAs<PostmortemUpdated>() is { } postmortem:
                    live.Publish(postmortem with { Remote = true });
                    break;
                case LiveEnvelope.AlertRuleUpdatedType when envelope.DataAs<AlertRuleUpdated>() is { } rule:
                    live.Publish(rule with { Remote = true });
                    break;
                case LiveEnvelope.LocksSampledType when envelope.DataAs<LockTickNotice>() is { } tick:
                    _ = remoteLocks.ReceiveAsync(tick);
                    break;
                case LiveEnvelope.LockStatusType when envelope.DataAs<LockStatusNotice>() is { } status:
                    remoteLocks.Receive(status);
                    break;
                case LiveEnvelope.CheckoutStoredType when envelope.DataAs<CheckoutStoredNotice>() is { } notice:
                    checkoutLive.Record(notice.ToTally(),
                        announce: notice.Part == 0 ? new CheckoutEventsStored(notice.BatchCount, notice.Latest) { Remote = true } : null);
                    break;
            }
        }
        catch (Exception failure) when (failure is System.Text.Json.JsonException or ArgumentException)
        {
            // Another version's shape, say: one unreadable notification must not stop the listener.
            logger.LogWarning(failure, "Live bridge: ignored an unreadable {Type} notification", envelope.Type);
        }
    }

    private string Payload<T>(string type, T data) => LiveEnvelope.Payload(Origin, type, data, time.GetUtcNow());

    private static NpgsqlBatchCommand Notify(string payload) =>
        new("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = Channel }, new() { Value = payload } } };

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks * (1L << Math.Min(failures - 1, 16)), MaxBackoff.Ticks));
}
