using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Locks;

public enum SessionAction { CancelQuery, TerminateSession }

/// <summary>What happened to the session, in words the Locks page shows as they are.</summary>
public sealed record SessionActionResult(bool Succeeded, string Message);

/// <summary>
/// Cancels the query of, or terminates, a backend that blocks others: DBA only, with a reason, audited. The check
/// that the session still blocks someone and the signal are one statement, so a session that stopped blocking
/// between the click and the signal is left alone. The intent is committed before the signal, the outcome after (<see cref="AuditIntents"/>).
/// </summary>
public sealed class SessionActions(IDbContextFactory<OpsDbContext> dbFactory, TargetConnections connections, AccessGuard guard, AuditLog audit,
    AuditIntents intents)
{
    public const int MaxReasonLength = 500;

    // pg_terminate_backend with a timeout waits for the session to be gone (PostgreSQL 14+), so "terminated" is true.
    private const string SignalSql = """
        WITH session AS (
            SELECT pid, usename, application_name, left(query, 300) AS query FROM pg_stat_activity
            WHERE pid = $1 AND datname = current_database()),
        blocking AS (
            SELECT EXISTS (SELECT 1 FROM pg_stat_activity w WHERE w.pid <> $1 AND $1 = ANY (pg_blocking_pids(w.pid))) AS blocks)
        SELECT s.pid IS NOT NULL, b.blocks, s.usename, s.application_name, s.query,
               CASE WHEN s.pid IS NOT NULL AND b.blocks
                    THEN CASE WHEN $2 THEN pg_terminate_backend($1, 5000) ELSE pg_cancel_backend($1) END END
        FROM blocking b LEFT JOIN session s ON true
        """;

    public Task<SessionActionResult> CancelQueryAsync(Actor actor, Guid targetId, int pid, string reason, CancellationToken ct = default) =>
        RunAsync(actor, targetId, pid, reason, SessionAction.CancelQuery, ct);

    public Task<SessionActionResult> TerminateAsync(Actor actor, Guid targetId, int pid, string reason, CancellationToken ct = default) =>
        RunAsync(actor, targetId, pid, reason, SessionAction.TerminateSession, ct);

    public async Task<SessionActionResult> RunAsync(Actor actor, Guid targetId, int pid, string reason, SessionAction action, CancellationToken ct = default)
    {
        var name = action == SessionAction.TerminateSession ? "session.terminate" : "session.cancel";
        await guard.DemandAsync(actor, Permission.TerminateSession, name, (db, c) => AuditSubjects.SessionAsync(db, targetId, pid, c), ct);
        reason = (reason ?? "").Trim();
        if (reason.Length == 0)
            throw new DomainRuleException("Say why: the reason goes into the audit trail.", "Reason");
        if (reason.Length > MaxReasonLength || reason.Any(char.IsControl))
            throw new DomainRuleException($"A reason is at most {MaxReasonLength} characters, without control characters.", "Reason");
        if (pid <= 0)
            throw new DomainRuleException("That is not a session's process id.", "Pid");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == targetId, ct)
                     ?? throw new DomainRuleException("That target does not exist.", "TargetId");
        var subject = $"session:{target.Name}/{pid}";
        var intent = await intents.DeclareAsync(actor, name, subject, new { target = target.Name, pid, reason }, ct);

        SessionActionResult result;
        object details;
        try
        {
            await using var connection = await connections.OpenAsync(target, ct, statementTimeoutSeconds: 10);
            await using var command = new NpgsqlCommand(SignalSql, connection)
            {
                Parameters = { new() { Value = pid }, new() { Value = action == SessionAction.TerminateSession } },
            };
            await using var row = await command.ExecuteReaderAsync(ct);
            await row.ReadAsync(ct);
            var (exists, blocks) = (row.GetBoolean(0), row.GetBoolean(1));
            details = new
            {
                target = target.Name, pid, reason, user = Text(row, 2), application = Text(row, 3), query = Text(row, 4), intent,
            };
            result = (exists, blocks, row.IsDBNull(5) ? (bool?)null : row.GetBoolean(5)) switch
            {
                (false, _, _) => new(false, $"Session {pid} is gone: nothing was done."),
                (true, false, _) => new(false, $"Session {pid} no longer blocks anyone: nothing was done."),
                (_, _, true) => new(true, action == SessionAction.TerminateSession ? $"Session {pid} was terminated." : $"The query of session {pid} was cancelled."),
                _ => new(false, $"PostgreSQL did not signal session {pid} (it may have ended just now)."),
            };
        }
        catch (Exception e) when (e is TargetUnavailableException or NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            details = new { target = target.Name, pid, reason, error = e.Message, intent };
            result = new(false, $"The target did not answer: {e.Message}");
        }

        audit.Record(db, actor, name, subject, details, result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        await db.SaveChangesAsync(ct);
        return result;
    }

    private static string? Text(NpgsqlDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);
}
