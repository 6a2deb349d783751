using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Targets;

public enum TargetState { Active, Paused, Retired }

public sealed record TargetSummary(Guid Id, string Name, TargetEnvironment Environment, bool? Reachable, string? ServerVersion,
    string? LastError, DateTimeOffset? LastCheckedAt, TargetState State = TargetState.Active, string? ScriptRole = null, bool AllowDangerousSettings = false,
    bool IsThrowaway = false);

/// <summary>
/// Registers monitored databases, edits them and keeps their live status. Every edit is authorized here
/// (ManageTargets), audited in its own transaction and announced (TargetUpdated) after it commits. A connection
/// string is tried before it is saved, and one that leads to the console store's own cluster is refused.
/// </summary>
public sealed partial class TargetRegistry(IDbContextFactory<OpsDbContext> dbFactory, TargetConnections connections, StoreCluster storeCluster,
    AccessGuard guard, AuditLog audit, LiveEvents live, TimeProvider time)
{
    private const int TestTimeoutSeconds = 3;

    /// <summary>The targets pickers offer: retired ones are left out (their history stays, see the overload).</summary>
    public Task<IReadOnlyList<TargetSummary>> ListAsync(CancellationToken ct = default) => ListAsync(includeRetired: false, ct);

    public async Task<IReadOnlyList<TargetSummary>> ListAsync(bool includeRetired, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Targets.AsNoTracking().Where(t => includeRetired || t.RetiredAt == null).OrderBy(t => t.Name)
            .Select(t => new TargetSummary(t.Id, t.Name, t.Environment, t.Reachable, t.ServerVersion, t.LastError, t.LastCheckedAt,
                t.RetiredAt != null ? TargetState.Retired : t.PausedAt != null ? TargetState.Paused : TargetState.Active,
                t.ScriptRole, t.AllowDangerousSettings, t.IsThrowaway))
            .ToListAsync(ct);
    }

    public async Task<Target> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
            ?? throw new DomainRuleException("That target does not exist.", "TargetId");
    }

    /// <summary>
    /// A name is never reused: a retired target keeps its name, so that its changes, lock history and audit entries
    /// (which name it) can never be mistaken for a new target's. A new database gets a new name.
    /// </summary>
    public async Task<Guid> RegisterAsync(Actor actor, string name, TargetEnvironment environment, string connectionString, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        await guard.DemandAsync(actor, Permission.ManageTargets, "target.register", $"target:{name}", ct);
        if (!TargetName().IsMatch(name))
            throw new DomainRuleException("A target name is 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter.", "Name");
        if (!Enum.IsDefined(environment))
            throw new DomainRuleException("The environment is Production, Staging or Other.", "Environment");
        RequireUsableConnectionString(connectionString);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (await db.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Name == name, ct) is { } existing)
                throw new DomainRuleException(existing.IsRetired
                    ? $"{name} is the name of a retired target, kept with its history: choose another name."
                    : $"A target named {name} exists already.", "Name");
        var version = await TestAsync(actor, "target.register", $"target:{name}", connectionString, ct);

        await using var store = await dbFactory.CreateDbContextAsync(ct);
        var target = new Target(name, environment, connections.Protect(connectionString), time.GetUtcNow());
        target.RecordCheck(time.GetUtcNow(), version, null);
        store.Targets.Add(target);
        audit.Record(store, actor, "target.registered", $"target:{name}", new { environment = environment.ToString() });
        await store.SaveChangesAsync(ct);
        live.Publish(new TargetUpdated(target.Id));
        return target.Id;
    }

    /// <summary>
    /// Registers the embedded default's demo database on the first start; on later starts the target follows its
    /// cluster (a new port, a new password), so that the sampler, drift and the demo shop keep reaching it.
    /// </summary>
    public async Task EnsureRegisteredAsync(string name, TargetEnvironment environment, string connectionString, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Targets.FirstOrDefaultAsync(t => t.Name == name, ct);
        if (target is null)
        {
            await RegisterAsync(Actor.System, name, environment, connectionString, ct);
            return;
        }
        if (StoredConnectionString(target) == connectionString)
            return;
        RequireUsableConnectionString(connectionString);
        target.RotateConnection(connections.Protect(connectionString));
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        // Where it points now, never the secret.
        audit.Record(db, Actor.System, "target.connection_rotated", $"target:{name}",
            new { reason = "the embedded cluster started again", host = parsed.Host, port = parsed.Port, database = parsed.Database });
        await db.SaveChangesAsync(ct);
        live.Publish(new TargetUpdated(target.Id));
    }

    /// <summary>The stored connection string, or null when the keys that protected it are gone.</summary>
    private string? StoredConnectionString(Target target)
    {
        try { return connections.Unprotect(target); }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
    }

    /// <summary>Replaces the connection string once the new one has connected, shown its server version and proven not to be the store's cluster.</summary>
    public async Task RotateConnectionAsync(Actor actor, Guid targetId, string connectionString, CancellationToken ct = default)
    {
        var (subject, _) = await DemandAsync(actor, targetId, "target.connection_rotated", ct);
        RequireUsableConnectionString(connectionString);
        var version = await TestAsync(actor, "target.connection_rotated", subject, connectionString, ct);
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        await EditAsync(actor, targetId, "target.connection_rotated", target =>
        {
            target.DemandActive();
            target.RotateConnection(connections.Protect(connectionString));
            target.RecordCheck(time.GetUtcNow(), version, null);
            // Where it now points, never the password: enough to tell which server a later incident was on.
            return new { host = parsed.Host, port = parsed.Port, database = parsed.Database, username = parsed.Username };
        }, ct);
    }

    public async Task ChangeEnvironmentAsync(Actor actor, Guid targetId, TargetEnvironment environment, CancellationToken ct = default)
    {
        await DemandAsync(actor, targetId, "target.environment_changed", ct);
        await EditAsync(actor, targetId, "target.environment_changed", target =>
        {
            var before = target.Environment;
            target.ChangeEnvironment(environment);
            return new { before = before.ToString(), after = environment.ToString() };
        }, ct);
    }

    public async Task PauseAsync(Actor actor, Guid targetId, CancellationToken ct = default)
    {
        await DemandAsync(actor, targetId, "target.paused", ct);
        await EditAsync(actor, targetId, "target.paused", target => { target.Pause(time.GetUtcNow()); return null; }, ct);
    }

    public async Task ResumeAsync(Actor actor, Guid targetId, CancellationToken ct = default)
    {
        await DemandAsync(actor, targetId, "target.resumed", ct);
        await EditAsync(actor, targetId, "target.resumed", target => { target.Resume(); return null; }, ct);
    }

    /// <summary>Retires a target for good: nothing is deleted (changes, lock history and audit stay), it just leaves pickers and samplers.</summary>
    public async Task RetireAsync(Actor actor, Guid targetId, string reason, CancellationToken ct = default)
    {
        await DemandAsync(actor, targetId, "target.retired", ct);
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainRuleException("Say why the target is retired.", "Reason");
        if (reason.Length > 1000)
            throw new DomainRuleException("The reason is longer than 1000 characters.", "Reason");
        await EditAsync(actor, targetId, "target.retired", target => { target.Retire(time.GetUtcNow()); return new { reason = reason.Trim() }; }, ct);
    }

    /// <summary>
    /// Sets the role SQL changes run as (null: the console's own login role). It is tried on the target first: it
    /// must exist, the console must be able to SET ROLE to it, and it must not be a superuser or hold the predefined
    /// roles that reach the server's files and programs, which are what a script role exists to keep scripts from.
    /// </summary>
    public async Task SetScriptRoleAsync(Actor actor, Guid targetId, string? role, CancellationToken ct = default)
    {
        await DemandAsync(actor, targetId, "target.script_role_changed", ct);
        var name = string.IsNullOrWhiteSpace(role) ? null : ScriptRoleName.Require(role);
        var current = await GetAsync(targetId, ct);
        current.DemandActive();
        if (name is not null)
            await TryScriptRoleAsync(current, name, ct);
        await EditAsync(actor, targetId, "target.script_role_changed", target =>
        {
            var before = target.ScriptRole;
            target.SetScriptRole(name);
            return new { before, after = name };
        }, ct);
    }

    public async Task SetAllowDangerousSettingsAsync(Actor actor, Guid targetId, bool allow, CancellationToken ct = default)
    {
        await DemandAsync(actor, targetId, "target.dangerous_settings_changed", ct);
        await EditAsync(actor, targetId, "target.dangerous_settings_changed", target =>
        {
            target.SetAllowDangerousSettings(allow);
            return new { allowed = allow };
        }, ct);
    }

    /// <summary>Connects, reads the server version, and records the outcome (the status pages read).</summary>
    public async Task<bool> CheckAsync(Guid targetId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Targets.FirstAsync(t => t.Id == targetId, ct);
        var wasReachable = target.Reachable;
        try
        {
            await using var connection = await connections.OpenAsync(target, ct);
            target.RecordCheck(time.GetUtcNow(), connection.PostgreSqlVersion.ToString(), null);
        }
        catch (TargetUnavailableException e)
        {
            target.RecordCheck(time.GetUtcNow(), null, e.Message);
        }
        await db.SaveChangesAsync(ct);
        if (wasReachable != target.Reachable)
            live.Publish(new TargetUpdated(target.Id));
        return target.Reachable == true;
    }

    /// <summary>Authorizes an edit; the refusal carries the same subject (the target's name) as the edit would.</summary>
    private async Task<(string Subject, Target Target)> DemandAsync(Actor actor, Guid targetId, string action, CancellationToken ct)
    {
        var target = await GetAsync(targetId, ct);
        var subject = $"target:{target.Name}";
        await guard.DemandAsync(actor, Permission.ManageTargets, action, subject, ct);
        return (subject, target);
    }

    /// <summary>One edit: the row locked, the entity's own rule applied, the audit entry in the same transaction, then the news.</summary>
    private async Task EditAsync(Actor actor, Guid targetId, string action, Func<Target, object?> edit, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var target = await db.Targets.FromSql($"SELECT * FROM targets WHERE \"Id\" = {targetId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("That target does not exist.", "TargetId");
        var details = edit(target);
        audit.Record(db, actor, action, $"target:{target.Name}", details);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new TargetUpdated(target.Id));
    }

    /// <summary>
    /// Tries a connection string before anything is saved: connect and read the server version within a few seconds,
    /// and refuse the store's own cluster (that refusal is audited: it is what an insider would try). The messages
    /// are built here from what went wrong, never from the connection string, so no password can reach a page or a log.
    /// </summary>
    private async Task<string> TestAsync(Actor actor, string action, string subject, string connectionString, CancellationToken ct)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        var where = $"{parsed.Host}:{parsed.Port}";
        try
        {
            await using var connection = await connections.OpenAsync(connectionString, ct, TestTimeoutSeconds);
            var version = connection.PostgreSqlVersion.ToString();
            if (await storeCluster.IsStoreClusterAsync(connection, ct))
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                audit.Record(db, actor, action, subject, new { reason = "the console store's own cluster", host = parsed.Host, database = parsed.Database },
                    AuditOutcome.Refused);
                await db.SaveChangesAsync(ct);
                throw new DomainRuleException("That connection leads to the PostgreSQL cluster that holds the console's own store: a target there could " +
                    "rewrite the console's history. Use a database on another server (or another cluster). Nothing was saved.", "ConnectionString");
            }
            return version;
        }
        catch (TargetUnavailableException e) when (e.InnerException is PostgresException refused)
        {
            throw new DomainRuleException($"The target at {where} refused the connection: {refused.MessageText} ({refused.SqlState}). Nothing was saved.",
                "ConnectionString");
        }
        catch (PostgresException e)
        {
            throw new DomainRuleException($"The target at {where} refused the connection: {e.MessageText} ({e.SqlState}). Nothing was saved.", "ConnectionString");
        }
        catch (TargetUnavailableException e)
        {
            throw new DomainRuleException($"Could not connect to {where}: {e.Cause}. Nothing was saved.", "ConnectionString");
        }
        catch (Exception e) when (TargetUnavailableException.IsNoAnswer(e))
        {
            throw new DomainRuleException($"Could not connect to {where}: the connection failed. Nothing was saved.", "ConnectionString");
        }
    }

    private async Task TryScriptRoleAsync(Target target, string role, CancellationToken ct)
    {
        try
        {
            await using var connection = await connections.OpenAsync(target, ct, TestTimeoutSeconds);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var set = new NpgsqlCommand($"SET LOCAL ROLE {ScriptRoleName.Quoted(role)}", connection))
                await set.ExecuteNonQueryAsync(ct);
            await using var check = new NpgsqlCommand("""
                SELECT r.rolsuper, EXISTS (SELECT 1 FROM pg_roles p
                    WHERE p.rolname IN ('pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files')
                      AND pg_has_role(r.oid, p.oid, 'MEMBER'))
                FROM pg_roles r WHERE r.rolname = current_user
                """, connection);
            await using var reader = await check.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (reader.GetBoolean(0))
                throw new DomainRuleException($"{role} is a superuser on {target.Name}: a script role is there to limit what scripts can do.", "ScriptRole");
            if (reader.GetBoolean(1))
                throw new DomainRuleException($"{role} may reach the server's files or programs (pg_execute_server_program, pg_write_server_files or " +
                    "pg_read_server_files): choose a role without them.", "ScriptRole");
        }
        catch (PostgresException e)
        {
            throw new DomainRuleException($"The console cannot act as {role} on {target.Name}: {e.MessageText}.", "ScriptRole");
        }
        catch (Exception e) when (e is TargetUnavailableException || TargetUnavailableException.IsNoAnswer(e))
        {
            throw new DomainRuleException($"{target.Name} does not answer, so {role} could not be tried: nothing was saved.", "ScriptRole");
        }
    }

    private static void RequireUsableConnectionString(string connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host) || string.IsNullOrWhiteSpace(parsed.Database))
                throw new DomainRuleException("The connection string needs at least Host and Database.", "ConnectionString");
        }
        catch (ArgumentException)
        {
            // The parser's message may quote the string back, password included: say what is wrong in general.
            throw new DomainRuleException("The connection string is not valid: write it as Host=…;Port=…;Database=…;Username=…;Password=…", "ConnectionString");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex TargetName();
}
