using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// Every <c>Audit:CheckpointInterval</c>, and once more when the console stops, signs the chain head and writes it
/// to <c>audit_checkpoints</c> and to the log. A head already checkpointed is skipped, and the table keeps one row
/// per head position, so several instances checkpointing the same store write each head once and never clash.
/// </summary>
public sealed class AuditCheckpointWriter(IDbContextFactory<OpsDbContext> dbFactory, AuditCheckpointSigner signer, IOptions<AuditOptions> options,
    TimeProvider time, ILogger<AuditCheckpointWriter> logger) : BackgroundService
{
    private static readonly TimeSpan FinalCheckpointTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Checkpoints the head now. Null when there is nothing new to checkpoint (or no key to sign with).</summary>
    public async Task<AuditCheckpoint?> WriteAsync(CancellationToken ct = default)
    {
        if (!signer.Enabled)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await AuditChain.ReadHeadAsync(db, ct) is not { Sequence: > 0 } head || await db.AuditCheckpoints.AnyAsync(c => c.Sequence == head.Sequence, ct))
            return null;

        var at = AuditCheckpointSigner.ToMicroseconds(time.GetUtcNow());
        var checkpoint = new AuditCheckpoint(head.Sequence, head.Hash, at, signer.Sign(head.Sequence, head.Hash, at));
        // Plain SQL for ON CONFLICT: another instance may have checkpointed this head a moment ago, which is fine.
        var written = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_checkpoints ("Sequence", "Hash", "At", "Signature")
            VALUES ({checkpoint.Sequence}, {checkpoint.Hash}, {checkpoint.At}, {checkpoint.Signature})
            ON CONFLICT ("Sequence") DO NOTHING
            """, ct);
        if (written == 0)
            return null;
        // The log is the copy outside the store: someone who rewrites the store cannot reach it.
        logger.LogInformation("Audit checkpoint at entry {AuditSequence} with hash {AuditHash}, {CheckpointAt}, signature {CheckpointSignature}",
            checkpoint.Sequence, checkpoint.Hash, AuditExportWriter.IsoUtc(checkpoint.At), checkpoint.Signature);
        return checkpoint;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!signer.Enabled)
        {
            logger.LogWarning("Audit:CheckpointKey is not set: no audit checkpoints are written, so \"Verify chain\" cannot tell " +
                              "whether the newest entries were deleted together with the chain head");
            return;
        }
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        do
        {
            await TryWriteAsync(stoppingToken);
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The entries written since the last tick get their checkpoint before the console goes.</summary>
    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(FinalCheckpointTimeout);
        try
        {
            await TryWriteAsync(timeout.Token);
        }
        catch (ObjectDisposedException)
        {
            // A start that failed is torn down with its services already gone: there is no store to write to.
        }
    }

    private async Task TryWriteAsync(CancellationToken ct)
    {
        if (!signer.Enabled)
            return;
        try
        {
            await WriteAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction)
        {
            // A store whose migrations have not run yet (Database:MigrateOnStartup off): /readyz says so already.
            logger.LogDebug("Audit checkpoints wait for the store's migrations: {Error}", e.MessageText);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // Stopping (or out of time for the final checkpoint): the driver reports the cancel in either form.
            if (!ct.IsCancellationRequested)
                logger.LogWarning("Could not write an audit checkpoint; trying again at the next one: {Error}", e.Message);
        }
    }
}
