using Npgsql;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>A setting that shows another value than the snapshot's after a restore; null on a side where it does not exist.</summary>
public sealed record SettingDifference(string Name, string? Expected, string? Actual, bool NeedsRestart);

/// <summary>What a restore did and what it found afterwards. <see cref="Exact"/>: every statement ran and all of pg_settings matches.</summary>
public sealed record RestoreResult(IReadOnlyList<string> Statements, IReadOnlyList<string> Failures, IReadOnlyList<SettingDifference> Differences)
{
    public bool Exact => Failures.Count == 0 && Differences.Count == 0;

    /// <summary>Settings that can only come back with a restart of the staging cluster, which the console never does by itself.</summary>
    public IEnumerable<SettingDifference> AwaitingRestart => Differences.Where(d => d.NeedsRestart);

    public string Summary => Exact
        ? Statements.Count == 0 ? "Staging's settings were already as before." : $"Staging's settings are back as before ({Statements.Count} ALTER SYSTEM statements)."
        : string.Join(" ", new[]
        {
            Failures.Count > 0 ? $"Could not run: {string.Join("; ", Failures)}." : null,
            Differences.Any(d => d.NeedsRestart)
                ? $"Back only after a restart of the staging cluster: {string.Join(", ", AwaitingRestart.Select(Describe))}." : null,
            Differences.Any(d => !d.NeedsRestart)
                ? $"Still different: {string.Join(", ", Differences.Where(d => !d.NeedsRestart).Select(Describe))}." : null,
        }.Where(s => s is not null));

    private static string Describe(SettingDifference d) => $"{d.Name} ({d.Actual ?? "absent"}, was {d.Expected ?? "absent"})";
}

/// <summary>
/// Takes a staging cluster's settings and puts them back: postgresql.auto.conf is brought back to the snapshot with
/// ALTER SYSTEM (SET where an entry differs or is missing, RESET where one was added), pg_reload_conf(), and then all of
/// pg_settings is compared with the snapshot, polling with fresh reads because the reload reaches sessions
/// asynchronously. A setting that needs a restart is reported, never restarted: restarting is a person's decision.
/// </summary>
public sealed class SettingsRestorer(StagingConnections connections, TimeProvider time)
{
    /// <summary>How long a reload may take to show everywhere; generous, because staging may be under peak load.</summary>
    private static readonly TimeSpan VerifyDeadline = TimeSpan.FromSeconds(15);

    public Task<SettingsSnapshot> SnapshotAsync(Target target, CancellationToken ct = default) =>
        connections.ReadAsync(target, (connection, c) => SettingsSnapshot.TakeAsync(connection, time.GetUtcNow(), c), ct);

    public async Task<RestoreResult> RestoreAsync(Target target, SettingsSnapshot snapshot, CancellationToken ct = default)
    {
        var statements = new List<string>();
        var failures = new List<string>();
        try
        {
            await WriteAsync(target, snapshot, statements, failures, ct);
        }
        catch (Exception e) when (TargetUnavailableException.IsNoAnswer(e) && !ct.IsCancellationRequested)
        {
            throw TargetUnavailableException.For(target.Name, e, 5);
        }
        return new RestoreResult(statements, failures, await VerifyAsync(target, snapshot, failures, ct));
    }

    private async Task WriteAsync(Target target, SettingsSnapshot snapshot, List<string> statements, List<string> failures, CancellationToken ct)
    {
        await using (var connection = await connections.OpenAsync(target, ct))
        {
            var (_, current) = await SettingsSnapshot.ReadAutoConfAsync(connection, ct);
            foreach (var statement in Plan(target, snapshot.AutoConf, current, failures))
            {
                try
                {
                    await using var alter = new NpgsqlCommand(statement, connection);
                    await alter.ExecuteNonQueryAsync(ct);
                    statements.Add(statement);
                }
                catch (PostgresException e)
                {
                    // One refused entry must not keep the others from coming back.
                    failures.Add($"{statement}: {e.MessageText}");
                }
            }
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The statements that turn <paramref name="current"/> into <paramref name="wanted"/>.</summary>
    private static List<string> Plan(Target target, IReadOnlyList<AutoConfEntry> wanted, IReadOnlyList<AutoConfEntry> current, List<string> failures)
    {
        var now = current.ToDictionary(e => e.Name, e => e.Value);
        var statements = new List<string>();
        foreach (var entry in wanted.Where(e => !now.TryGetValue(e.Name, out var value) || value != e.Value))
        {
            // A stored snapshot is not a person's reviewed change: it may not bring a command or a library to a target that refuses them.
            if (DangerousSettings.Problem(target, entry.Name) is { } danger)
                failures.Add(danger);
            else
                statements.Add(AutoConfSql.Set(entry));
        }
        var names = wanted.Select(e => e.Name).ToHashSet();
        statements.AddRange(current.Where(e => !names.Contains(e.Name)).Select(e => AutoConfSql.Reset(e.Name)));
        return statements;
    }

    private async Task<IReadOnlyList<SettingDifference>> VerifyAsync(Target target, SettingsSnapshot snapshot, List<string> failures, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + VerifyDeadline;
        while (true)
        {
            var (autoConf, settings) = await connections.ReadAsync(target, async (connection, c) =>
                ((await SettingsSnapshot.ReadAutoConfAsync(connection, c)).Entries, await SettingsSnapshot.ReadSettingsAsync(connection, c)), ct);
            var differences = Compare(snapshot.Settings, settings);
            var fileDiffers = !autoConf.SequenceEqual(snapshot.AutoConf);
            if ((differences.All(d => d.NeedsRestart) && !fileDiffers) || time.GetUtcNow() > deadline)
            {
                if (fileDiffers)
                    failures.Add("postgresql.auto.conf still differs from the snapshot: " +
                        string.Join(", ", autoConf.Except(snapshot.AutoConf).Concat(snapshot.AutoConf.Except(autoConf)).Select(e => e.Name).Distinct()));
                return differences;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }

    /// <summary>
    /// Settings fixed when the server starts: postmaster ones, and internal ones the server computes from them at start
    /// (shared_memory_size follows max_connections).
    /// </summary>
    private static bool OnlyAtStart(string context) => context is "postmaster" or "internal";

    public static IReadOnlyList<SettingDifference> Compare(IReadOnlyList<SettingValue> before, IReadOnlyList<SettingValue> after)
    {
        var now = after.ToDictionary(s => s.Name);
        var then = before.ToDictionary(s => s.Name);
        return
        [
            .. before.Where(s => !now.TryGetValue(s.Name, out var a) || a.Setting != s.Setting)
                .Select(s => new SettingDifference(s.Name, s.Setting, now.GetValueOrDefault(s.Name)?.Setting, OnlyAtStart(s.Context))),
            .. after.Where(s => !then.ContainsKey(s.Name)).Select(s => new SettingDifference(s.Name, null, s.Setting, OnlyAtStart(s.Context))),
        ];
    }
}
