using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Changes;

public sealed record ApplyResult(bool Succeeded, string Message, bool PendingRestart, TimeSpan Duration);

/// <summary>
/// Applies approved changes to their target. Settings: ALTER SYSTEM + pg_reload_conf(), then a fresh
/// session reads pg_settings until the value shows (or "pending restart"). SQL: the forward script in one
/// transaction with lock and statement timeouts. The change row stays locked throughout, so a second
/// apply waits and then finds it applied.
/// </summary>
public sealed class ChangeApplier(IDbContextFactory<OpsDbContext> dbFactory, TargetRegistry targets, TargetConnections connections,
    AccessGuard guard, AuditLog audit, LiveEvents live, TimeProvider time)
{
    private static readonly TimeSpan VerifyDeadline = TimeSpan.FromSeconds(5);

    public async Task<ApplyResult> ApplyAsync(Actor actor, Guid changeId, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ApplyChange, "change.apply", $"change:{changeId}", ct);
        var started = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var change = await ChangeRegistry.LockAsync(db, changeId, ct);
        if (change.Status != ChangeStatus.Approved)
            throw new DomainRuleException($"Change #{change.Number} is {ChangeStatusText.Of(change.Status)}: only an approved change can be applied.");
        if (change.Kind == ChangeKind.External)
            throw new DomainRuleException("An external change is applied outside the console: mark it as applied with the time it happened.");

        var target = await targets.GetAsync(change.TargetId, ct);
        ApplyResult result;
        try
        {
            var pendingRestart = change.Kind == ChangeKind.Setting
                ? await ApplySettingAsync(target, change, ct)
                : await ApplySqlAsync(target, change.ForwardScript!, ct);
            change.MarkApplied(actor, time.GetUtcNow(), pendingRestart);
            result = new ApplyResult(true, pendingRestart ? "Applied; takes effect after a server restart." : "Applied and verified.", pendingRestart, started.Elapsed);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or ApplyVerificationException or System.Net.Sockets.SocketException)
        {
            change.RecordApplyFailure(e.Message);
            result = new ApplyResult(false, e.Message, false, started.Elapsed);
        }

        audit.Record(db, actor, result.Succeeded ? "change.applied" : "change.apply_failed", $"change:{change.Number}",
            new { result.Message, result.PendingRestart, durationMs = (int)result.Duration.TotalMilliseconds },
            result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
        return result;
    }

    private async Task<bool> ApplySettingAsync(Target target, ConfigChange change, CancellationToken ct)
    {
        await using (var connection = await connections.OpenAsync(target, ct))
        {
            await ExecuteAsync(connection, SettingSql.AlterSystemSet(change.Parameter!, change.ValueAfter!), ct);
            await ExecuteAsync(connection, "SELECT pg_reload_conf()", ct);
        }
        return await VerifyAsync(target, change.Parameter!, change.ValueAfterNormalized!, ct);
    }

    /// <summary>
    /// The reload reaches sessions asynchronously; a new session started after it sees the new value.
    /// Polls with fresh sessions until pg_settings agrees, or reports pending restart for postmaster settings.
    /// </summary>
    internal async Task<bool> VerifyAsync(Target target, string parameter, string normalized, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + VerifyDeadline;
        while (true)
        {
            await using var connection = await connections.OpenAsync(target, ct);
            var current = (await SettingCatalog.ReadAsync(connection, ct, parameter)).Single();
            if (SettingValidator.Matches(current, normalized))
                return false;
            if (current.PendingRestart)
                return true;
            if (time.GetUtcNow() > deadline)
                throw new ApplyVerificationException($"{parameter} still shows {current.Setting}{current.Unit} after the reload, not {normalized}.");
            await Task.Delay(25, ct);
        }
    }

    /// <summary>The forward script in one transaction: a lock it cannot get within 5 s, or a 60 s statement, aborts it whole.</summary>
    private async Task<bool> ApplySqlAsync(Target target, string script, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(target, ct, statementTimeoutSeconds: 90);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, "SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '60s'", ct);
        await ExecuteAsync(connection, script, ct);
        await transaction.CommitAsync(ct);
        return false;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}

public sealed class ApplyVerificationException(string message) : Exception(message);
