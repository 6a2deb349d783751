using Npgsql;

namespace OpsConsole.Domain.Targets;

/// <summary>Runs a change's script on its target: one transaction, so a lock it cannot get within 5 s or a
/// statement over 60 s aborts it whole and leaves nothing half done. The script runs as the target's script role
/// (SET LOCAL ROLE, undone with the transaction), and is checked by <see cref="ScriptGuard"/> once more first.</summary>
public sealed class TargetScripts(TargetConnections connections)
{
    public async Task RunInTransactionAsync(Target target, string script, CancellationToken ct)
    {
        if (ScriptGuard.Problem(script) is { } problem)
            throw new TargetSafetyException($"Refused before it ran: {problem}");
        await using var connection = await connections.OpenAsync(target, ct, statementTimeoutSeconds: 90);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var role = target.ScriptRole is { } name ? $"; SET LOCAL ROLE {ScriptRoleName.Quoted(name)}" : "";
        await using (var limits = new NpgsqlCommand($"SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '60s'{role}", connection))
            await limits.ExecuteNonQueryAsync(ct);
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
