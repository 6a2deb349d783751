using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Web.Hosting.Embedded;

/// <summary>
/// Throwaway staging clusters, run by this process: each its own PostgreSQL cluster under the embedded data folder
/// (<c>throwaway-staging/&lt;short id&gt;</c>), with the demo shop's schema and data in the database <c>shop</c>, reached as a
/// login role that has what a target role needs and no more (<see cref="GrantsAsync"/>). Its own cluster, because
/// ALTER SYSTEM changes a whole cluster; durable like the demo shop's, so that commits cost what they cost there and the
/// rehearsal's figures mean something. A cluster whose process died is found by its free ownership lock (flock, freed
/// even by kill -9) and removed at the next start (<see cref="RemoveLeftoversAsync"/>).
/// </summary>
public sealed class ThrowawayStagingClusters : IThrowawayStaging, IAsyncDisposable
{
    public const string Folder = "throwaway-staging";
    public const string Database = "shop";
    public const string Role = "opsconsole";

    private readonly ConcurrentDictionary<Guid, EmbeddedPostgres> running = new();
    private readonly ThrowawayStagingTargets targets;
    private readonly TargetRegistry registry;
    private readonly IOptions<DemoShopOptions> shop;
    private readonly string? binDirectory;
    private readonly Lazy<Task<string>> root;
    private readonly ILogger<ThrowawayStagingClusters> logger;
    private Task? stopping;

    public ThrowawayStagingClusters(ThrowawayStagingTargets targets, TargetRegistry registry, IOptions<DemoShopOptions> shop,
        EmbeddedPostgresOptions options, string dataRoot, ILogger<ThrowawayStagingClusters> logger)
    {
        this.targets = targets;
        this.registry = registry;
        this.shop = shop;
        this.logger = logger;
        binDirectory = options.BinDirectory;
        root = new(async () => Path.Combine(await EmbeddedStoreHosting.ReachableRootAsync(dataRoot, logger), Folder));
        try
        {
            PostgresBinaries.Locate(binDirectory);
        }
        catch (PostgresNotInstalledException)
        {
            UnavailableReason = "The PostgreSQL server programs (initdb, pg_ctl) are not installed where the console runs (package postgresql), " +
                "so it cannot create a staging cluster: install them, or register a staging target on Admin → Targets.";
        }
    }

    public bool Available => UnavailableReason is null;

    public string? UnavailableReason { get; }

    public async Task<Target> CreateAsync(Actor actor, CancellationToken ct = default)
    {
        var shortId = ThrowawayStagingTargets.NewShortId();
        var name = ThrowawayStagingTargets.NameFor(shortId);
        await targets.DemandAsync(actor, ThrowawayStagingTargets.Created, name, ct);
        if (UnavailableReason is { } reason)
            throw new DomainRuleException(reason);

        var folder = Path.Combine(await root.Value, shortId);
        EmbeddedPostgres? cluster = null;
        try
        {
            cluster = await EmbeddedPostgres.StartAsync(folder, durable: true, binDirectory: binDirectory, logger: logger, ct: ct);
            var version = await PrepareAsync(cluster, ct);
            var target = await targets.RegisterAsync(actor, name, cluster.ConnectionString(Database, Role), version,
                new { folder, port = cluster.Port, database = Database, role = Role, products = shop.Value.Products }, ct);
            running[target.Id] = cluster;
            logger.LogInformation("Created the throwaway staging cluster {Target} in {Folder} on port {Port}", name, folder, cluster.Port);
            return target;
        }
        catch
        {
            // Nothing half made stays behind: no target was registered, so the folder is all there is.
            try
            {
                if (cluster is not null)
                    await cluster.DeleteAsync();
                else if (Directory.Exists(folder))
                    await EmbeddedPostgres.TryDeleteAbandonedAsync(folder, binDirectory, logger, CancellationToken.None);
            }
            catch (Exception cleanup)
            {
                logger.LogWarning(cleanup, "Could not delete the half-made throwaway staging cluster in {Folder}; the next start removes it", folder);
            }
            throw;
        }
    }

    public async Task RemoveAsync(Actor actor, Guid targetId, CancellationToken ct = default)
    {
        var target = await targets.GetActiveAsync(targetId, ct);
        await targets.DemandAsync(actor, ThrowawayStagingTargets.Removed, target.Name, ct);
        await using var hold = await targets.HoldAgainstRehearsalsAsync(targetId, ct)
            ?? throw new DomainRuleException($"A rehearsal is running on {target.Name}: cancel it, or wait until it has ended, then remove it.", "target");

        if (running.TryRemove(targetId, out var cluster))
        {
            try
            {
                await cluster.DeleteAsync();
            }
            catch
            {
                running.TryAdd(targetId, cluster);
                throw;
            }
        }
        else
            await RemoveNotRunHereAsync(target, ct);
        await targets.RetireAsync(actor, targetId, "removed after use", ct);
        logger.LogInformation("Removed the throwaway staging cluster {Target}", target.Name);
    }

    /// <summary>A cluster this process does not run: left behind here (deleted), run by another process, or gone.</summary>
    private async Task RemoveNotRunHereAsync(Target target, CancellationToken ct)
    {
        var folder = Path.Combine(await root.Value, ThrowawayStagingTargets.ShortIdOf(target.Name)!);
        if (Directory.Exists(folder))
        {
            if (!await EmbeddedPostgres.TryDeleteAbandonedAsync(folder, binDirectory, logger, ct))
                throw new DomainRuleException($"{target.Name} is run by another console process on this machine: remove it there.", "target");
            return;
        }
        // Not in this console's data folder: another instance's, while it still answers; otherwise gone already.
        if (await registry.CheckAsync(target.Id, ct))
            throw new DomainRuleException($"{target.Name} runs under another console instance (its folder is not here): remove it there.", "target");
    }

    /// <summary>
    /// Removes the clusters under this console's data folder that no process owns any more (their console stopped or was
    /// killed), and retires their targets (audited as the system). One a rehearsal still holds (another instance's) is left.
    /// </summary>
    public async Task<int> RemoveLeftoversAsync(CancellationToken ct)
    {
        if (!Available || !Directory.Exists(await root.Value))
            return 0;
        var removed = 0;
        foreach (var folder in Directory.GetDirectories(await root.Value))
        {
            var name = ThrowawayStagingTargets.NameFor(Path.GetFileName(folder));
            if (ThrowawayStagingTargets.ShortIdOf(name) is null || running.Values.Any(c => c.Root == folder))
                continue;
            var target = await targets.FindActiveAsync(name, ct);
            await using var hold = target is null ? null : await targets.HoldAgainstRehearsalsAsync(target.Id, ct);
            if (target is not null && hold is null)
            {
                logger.LogWarning("The throwaway staging cluster {Target} is left for now: a rehearsal holds it", name);
                continue;
            }
            if (!await EmbeddedPostgres.TryDeleteAbandonedAsync(folder, binDirectory, logger, ct))
                continue;
            if (target is not null)
                await targets.RetireAsync(Actor.System, target.Id, "left behind by a console that stopped before removing it", ct);
            logger.LogWarning("Removed the throwaway staging cluster {Target}, left behind by a console that stopped", name);
            removed++;
        }
        return removed;
    }

    /// <summary>
    /// The console's role and the demo shop, made as the cluster's superuser: the role owns the shop database (the demo
    /// shop's tables are its own), sees the cluster (pg_monitor, and pg_file_settings, so that a snapshot reads
    /// postgresql.auto.conf itself), may cancel sessions, reload, and ALTER SYSTEM every setting except those that run
    /// commands or load code (<see cref="DangerousSettings"/>): it is staging, not a way onto the machine.
    /// </summary>
    private async Task<string> PrepareAsync(EmbeddedPostgres cluster, CancellationToken ct)
    {
        await cluster.EnsureLoginRoleAsync(Role, ct);
        await cluster.EnsureDatabaseAsync(Database, Role, ct);
        await GrantsAsync(cluster, ct);
        await using var shopDb = NpgsqlDataSource.Create(cluster.ConnectionString(Database, Role));
        await ShopSchema.EnsureAsync(shopDb, shop.Value.Products, ct);
        await using var connection = await shopDb.OpenConnectionAsync(ct);
        return connection.PostgreSqlVersion.ToString();
    }

    private static async Task GrantsAsync(EmbeddedPostgres cluster, CancellationToken ct)
    {
        await using var connection = await cluster.OpenAsSuperuserAsync(Database, ct);
        var settings = new List<string>();
        await using (var read = new NpgsqlCommand("SELECT name FROM pg_settings WHERE context <> 'internal' ORDER BY name", connection))
        await using (var reader = await read.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                settings.Add(reader.GetString(0));
        // Names come from the server itself; quoted as identifiers all the same.
        var alterable = string.Join(", ", settings.Where(s => !DangerousSettings.IsDangerous(s)).Select(s => $"\"{s.Replace("\"", "\"\"")}\""));
        await using var grant = new NpgsqlCommand($"""
            GRANT pg_monitor, pg_signal_backend TO {Role};
            GRANT EXECUTE ON FUNCTION pg_reload_conf() TO {Role};
            GRANT SELECT ON pg_file_settings TO {Role};
            GRANT EXECUTE ON FUNCTION pg_show_all_file_settings() TO {Role};
            GRANT ALTER SYSTEM ON PARAMETER {alterable} TO {Role};
            """, connection);
        await grant.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Stops the clusters this process runs, keeping their folders: the next start removes them (and retires their targets).
    /// Every caller waits for the same stop: the host stops its services and then disposes them, at times from two places at once.
    /// </summary>
    public Task StopAllAsync()
    {
        lock (running)
            return stopping ??= StopEachAsync();
    }

    private async Task StopEachAsync()
    {
        foreach (var id in running.Keys)
            if (running.TryRemove(id, out var cluster))
                await cluster.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAllAsync();
}
