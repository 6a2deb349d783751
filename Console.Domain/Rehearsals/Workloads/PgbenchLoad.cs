using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>How many transactions of one script ended in a run, and how many of those failed.</summary>
public sealed record ScriptTally(string Name, long Attempted, long Failed);

/// <summary>A scripted run's figures, and the same transactions by script.</summary>
public sealed record PgbenchRun(RunFigures Figures, IReadOnlyList<ScriptTally> Scripts);

/// <summary>
/// One measured load run of a profile's own SQL scripts, by PostgreSQL 15's pgbench: <c>-c</c> the profile's connections,
/// <c>-R</c> its pace, <c>-T</c> the duration, the scripts by weight, <c>--max-tries</c> retries after deadlocks and
/// serialization failures, and a per-transaction log that the figures are measured from afterwards (<see cref="PgbenchLog"/>),
/// as <see cref="RehearsalLoad"/> measures the demo shop's. Deadlocks come from pg_stat_database around the run, the longest
/// lock wait from pg_locks every second among the run's sessions (told apart by their application_name). A client that
/// pgbench aborts (an error it does not retry: a lock timeout, a statement timeout, an error in a script) ends the run as a
/// refusal with pgbench's words: its figures would be incomplete. Cancelling kills pgbench and ends the run's sessions.
/// </summary>
public sealed partial class PgbenchLoad(TimeProvider time, ILogger<PgbenchLoad> logger)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(1);
    private const int MaxErrorLines = 20;

    /// <summary>The longest current lock wait among the run's sessions (seconds), and how many of them are in a transaction.</summary>
    private const string ReadSample = """
        SELECT coalesce((SELECT extract(epoch FROM max(clock_timestamp() - l.waitstart))
                         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE NOT l.granted AND a.application_name = $1), 0)::float8,
               (SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND state IS DISTINCT FROM 'idle')::int
        """;

    private const string EndSessions =
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()";

    public async Task<RunFigures> RunAsync(string connectionString, RehearsalProfileSettings profile, TimeSpan duration,
        Action<LoadProgress>? progress, CancellationToken ct) =>
        (await RunScriptsAsync(connectionString, profile, duration, progress, ct)).Figures;

    public async Task<PgbenchRun> RunScriptsAsync(string connectionString, RehearsalProfileSettings profile, TimeSpan duration,
        Action<LoadProgress>? progress, CancellationToken ct)
    {
        profile = profile.Normalized();
        profile.Check();
        if (profile.Scripts.Count == 0)
            throw new DomainRuleException("This profile has no SQL scripts: its load is the demo shop's checkout.", nameof(RehearsalProfileSettings.Scripts));
        if (duration <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A run lasts a while.");
        var seconds = (int)Math.Ceiling(duration.TotalSeconds);
        var binary = PgbenchBinary.Find();
        await PgbenchBinary.RequireVersionAsync(binary, ct);

        var runName = $"OpsConsole rehearsal pgbench {Guid.NewGuid().ToString("N")[..12]}";
        var folder = Directory.CreateTempSubdirectory("opsconsole-pgbench-");
        try
        {
            var files = new List<string>();
            for (var i = 0; i < profile.Scripts.Count; i++)
            {
                files.Add(Path.Combine(folder.FullName, $"script{i + 1}.sql"));
                await File.WriteAllTextAsync(files[i], profile.Scripts[i].Sql, new UTF8Encoding(false), ct);
            }
            var monitorBuilder = new NpgsqlConnectionStringBuilder(connectionString)
            {
                Pooling = false, Timeout = 5, CommandTimeout = 5, ApplicationName = "OpsConsole rehearsal monitor",
            };
            await using var monitor = new NpgsqlConnection(monitorBuilder.ConnectionString);
            await monitor.OpenAsync(ct);
            var deadlocksBefore = await RunMonitor.DeadlocksAsync(monitor, ct);

            var start = PgbenchCommand.StartInfo(binary, connectionString, runName, profile, seconds, folder.FullName, files);
            logger.LogInformation("A scripted rehearsal run starts: {Scripts} scripts at {Pace}/s on {Connections} connections for {Seconds} s, up to {MaxTries} tries ({Run})",
                profile.Scripts.Count, profile.PacePerSecond, profile.ConcurrentShoppers, seconds, profile.MaxTries, runName);
            var startedAt = time.GetUtcNow();
            var started = time.GetTimestamp();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start.");
            process.StandardInput.Close();
            var live = new PgbenchProgress();
            var errors = new List<string>();
            var readErrors = ReadErrorsAsync(process, live, errors);
            var readOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampler = SampleAsync(monitor, runName, duration, started, live, progress, sampling.Token);
            var longestWait = TimeSpan.Zero;
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                logger.LogInformation("A scripted rehearsal run was cancelled; pgbench is stopped ({Run})", runName);
                throw;
            }
            finally
            {
                await sampling.CancelAsync();
                longestWait = await sampler;
                if (!process.HasExited)
                    await StopAsync(process, monitor, runName);
            }
            await Task.WhenAll(readErrors, readOutput);
            var elapsed = time.GetElapsedTime(started);
            if (process.ExitCode != 0)
                throw Aborted(process.ExitCode, errors, profile.Scripts, files);

            await RunMonitor.WaitForSessionsToCloseAsync(monitor, runName, time, logger, ct);
            var deadlocks = await RunMonitor.DeadlocksAsync(monitor, ct) - deadlocksBefore;
            var transactions = ReadLog(folder.FullName, startedAt);
            var figures = RunFigures.Measure(startedAt, elapsed, transactions.Select(t => t.ToCheckout()).ToList(), deadlocks, longestWait);
            var tallies = profile.Scripts.Select((s, i) => new ScriptTally(s.Name, transactions.Count(t => t.Script == i),
                transactions.Count(t => t.Script == i && t.ErrorClass is not null))).ToList();
            logger.LogInformation("A scripted rehearsal run ended: {Attempted} transactions, {Failed} failed, {Deadlocks} deadlocks, p95 {P95} ms ({Run})",
                figures.Attempted, figures.Failed, figures.Deadlocks, figures.P95Ms, runName);
            return new PgbenchRun(figures, tallies);
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "A scripted rehearsal's temporary folder {Folder} could not be removed", folder.FullName);
            }
        }
    }

    /// <summary>Kills pgbench and ends whatever sessions of the run the server still holds (one waiting for a lock notices its client gone only later).</summary>
    private async Task StopAsync(Process process, NpgsqlConnection monitor, string runName)
    {
        process.Kill(entireProcessTree: true);
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(bounded.Token);
            await RunMonitor.ScalarAsync<long>(monitor, EndSessions, runName, bounded.Token);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning(e, "A stopped scripted rehearsal's sessions could not all be ended ({Run})", runName);
        }
    }

    private static async Task ReadErrorsAsync(Process process, PgbenchProgress live, List<string> errors)
    {
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            if (live.Take(line))
                continue;
            lock (errors)
                if (errors.Count < MaxErrorLines)
                    errors.Add(line);
        }
    }

    /// <summary>Every second: the longest lock wait among the run's sessions, and the progress callback; returns the longest wait seen.</summary>
    private async Task<TimeSpan> SampleAsync(NpgsqlConnection monitor, string runName, TimeSpan duration, long started, PgbenchProgress live,
        Action<LoadProgress>? progress, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(SampleEvery, time);
        var longest = TimeSpan.Zero;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var inFlight = 0;
                try
                {
                    await using var command = new NpgsqlCommand(ReadSample, monitor);
                    command.Parameters.Add(new() { Value = runName });
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    await reader.ReadAsync(ct);
                    var wait = TimeSpan.FromSeconds(reader.GetDouble(0));
                    inFlight = reader.GetInt32(1);
                    longest = wait > longest ? wait : longest;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
                {
                    // A missed sample loses at most a second's view of a wait still under way; the next one sees it.
                    logger.LogWarning(e, "A scripted rehearsal's lock sample failed ({Run})", runName);
                }
                var (attempted, failed, lastSecond) = live.Totals();
                progress?.Invoke(new LoadProgress(time.GetElapsedTime(started), duration, attempted, failed, inFlight, longest, lastSecond));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        return longest;
    }

    private static List<PgbenchTransaction> ReadLog(string folder, DateTimeOffset startedAt) =>
        // One file per pgbench thread: pgbench_log.<pid> and pgbench_log.<pid>.<thread>.
        Directory.GetFiles(folder, PgbenchCommand.LogPrefix + ".*")
            .SelectMany(file => PgbenchLog.Parse(File.ReadLines(file), startedAt)).ToList();

    /// <summary>pgbench's own error lines, with the script files and numbers it names given as the scripts' names.</summary>
    private static DomainRuleException Aborted(int exitCode, List<string> errors, IReadOnlyList<SqlScript> scripts, List<string> files)
    {
        var text = string.Join("\n", errors).Trim();
        for (var i = 0; i < files.Count; i++)
            text = text.Replace(files[i], $"\"{scripts[i].Name}\"", StringComparison.Ordinal);
        text = ScriptNumber().Replace(text, m =>
            int.TryParse(m.Groups[1].Value, out var i) && i < scripts.Count ? $"script \"{scripts[i].Name}\"" : m.Value);
        var what = exitCode == 2 ? "pgbench aborted the run (its figures would be incomplete)" : "pgbench could not run the scripts";
        return new DomainRuleException(text.Length == 0 ? $"{what}: it exited with {exitCode}." : $"{what}:\n{text}",
            nameof(RehearsalProfileSettings.Scripts));
    }

    [GeneratedRegex(@"\bscript (\d+)\b")]
    private static partial Regex ScriptNumber();
}
