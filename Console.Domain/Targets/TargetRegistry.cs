using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Targets;

public sealed record TargetSummary(Guid Id, string Name, TargetEnvironment Environment, bool? Reachable, string? ServerVersion,
    string? LastError, DateTimeOffset? LastCheckedAt);

/// <summary>Registers monitored databases and keeps their live status.</summary>
public sealed partial class TargetRegistry(IDbContextFactory<OpsDbContext> dbFactory, TargetConnections connections, AccessGuard guard,
    AuditLog audit, LiveEvents live, TimeProvider time)
{
    public async Task<IReadOnlyList<TargetSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Targets.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TargetSummary(t.Id, t.Name, t.Environment, t.Reachable, t.ServerVersion, t.LastError, t.LastCheckedAt))
            .ToListAsync(ct);
    }

    public async Task<Target> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Targets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
            ?? throw new DomainRuleException("That target does not exist.", "TargetId");
    }

    public async Task<Guid> RegisterAsync(Actor actor, string name, TargetEnvironment environment, string connectionString, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        await guard.DemandAsync(actor, Permission.ManageTargets, "target.register", $"target:{name}", ct);
        if (!TargetName().IsMatch(name))
            throw new DomainRuleException("A target name is 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter.", "Name");
        RequireUsableConnectionString(connectionString);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Targets.AnyAsync(t => t.Name == name, ct))
            throw new DomainRuleException($"A target named {name} exists already.", "Name");
        var target = new Target(name, environment, connections.Protect(connectionString), time.GetUtcNow());
        db.Targets.Add(target);
        audit.Record(db, actor, "target.registered", $"target:{name}", new { environment = environment.ToString() });
        await db.SaveChangesAsync(ct);
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
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            target.RecordCheck(time.GetUtcNow(), null, e.Message);
        }
        await db.SaveChangesAsync(ct);
        if (wasReachable != target.Reachable)
            live.Publish(new TargetUpdated(target.Id));
        return target.Reachable == true;
    }

    private static void RequireUsableConnectionString(string connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host) || string.IsNullOrWhiteSpace(parsed.Database))
                throw new DomainRuleException("The connection string needs at least Host and Database.", "ConnectionString");
        }
        catch (ArgumentException e)
        {
            throw new DomainRuleException($"The connection string is not valid: {e.Message}", "ConnectionString");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex TargetName();
}
