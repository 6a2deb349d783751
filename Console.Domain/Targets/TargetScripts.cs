using Npgsql;

namespace OpsConsole.Domain.Targets;

/// <summary>Runs a change's script on its target: one transaction, so a lock it cannot get in time or a statement
/// that runs too long (<see cref="ScriptLimits"/>; 5 s and 60 s unless the caller says otherwise) aborts it whole and leaves nothing half done. The script runs as the target's script role
/// (SET LOCAL ROLE, undone with the transaction), and is checked by <see cref="ScriptGuard"/> once more first.</summary>
public sealed class TargetScripts(TargetConnections connections)
{
    public async Task RunInTransactionAsync(Target target, string script, CancellationToken ct, ScriptLimits? limits = null)
    {
        if (ScriptGuard.Problem(script) is { } problem)
            throw new TargetSafetyException($"Refused before it ran: {problem}");
        var (lockTimeout, statementTimeout) = limits ?? ScriptLimits.Default;
        // The connection's own timeout is a backstop above the script's, so that the script's limit is the one that speaks.
        await using var connection = await connections.OpenAsync(target, ct, statementTimeoutSeconds: (int)statementTimeout.TotalSeconds + 30);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var role = target.ScriptRole is { } name ? $"; SET LOCAL ROLE {ScriptRoleName.Quoted(name)}" : "";
        await using (var set = new NpgsqlCommand(
            $"SET LOCAL lock_timeout = '{(int)lockTimeout.TotalMilliseconds}ms'; SET LOCAL statement_timeout = '{(int)statementTimeout.TotalMilliseconds}ms'{role}", connection))
            await set.ExecuteNonQueryAsync(ct);
        if (target.ScriptRole is not null)
            await DemandUnprivilegedAsync(connection, target, ct);
        var before = await CurrentUserAsync(connection, ct);
        await using (var command = new NpgsqlCommand(script, connection))
            await command.ExecuteNonQueryAsync(ct);
        // A role changed by dynamic SQL (EXECUTE in a DO block), which the lexer cannot see: undone, not committed.
        if (await CurrentUserAsync(connection, ct) != before)
            throw new TargetSafetyException("The script changed its role while it ran: it was rolled back.");
        await transaction.CommitAsync(ct);
    }

    /// <summary>A script role that has become a superuser since it was chosen would lift every limit it stands for.</summary>
    private static async Task DemandUnprivilegedAsync(NpgsqlConnection connection, Target target, CancellationToken ct)
    {
        await using var check = new NpgsqlCommand("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", connection);
        if (await check.ExecuteScalarAsync(ct) is true)
            throw new TargetSafetyException($"The script role {target.ScriptRole} is a superuser on {target.Name}: refused, nothing ran.");
    }

    private static async Task<string> CurrentUserAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT current_user", connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>How long a change's script may wait for a lock, and how long one of its statements may run.</summary>
public sealed record ScriptLimits(TimeSpan LockTimeout, TimeSpan StatementTimeout)
{
    public static readonly ScriptLimits Default = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
}
