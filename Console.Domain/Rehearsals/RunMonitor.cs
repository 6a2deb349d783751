using Microsoft.Extensions.Logging;
using Npgsql;

namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// The reads both workloads make on the staging database beside their load, on a monitor connection of their own: the
/// database's deadlock counter, and the wait for the run's sessions (told apart by their application_name) to end.
/// </summary>
internal static class RunMonitor
{
    /// <summary>A backend adds its deadlocks to pg_stat_database when it goes idle a while or exits: the run's own close their connections first.</summary>
    public static readonly TimeSpan SessionsGoneWithin = TimeSpan.FromSeconds(15);

    private const string ReadDeadlocks = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()";
    private const string CountSessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1";

    public static Task<long> DeadlocksAsync(NpgsqlConnection monitor, CancellationToken ct) => ScalarAsync<long>(monitor, ReadDeadlocks, null, ct);

    /// <summary>Waits until no session of the run is left, for at most <see cref="SessionsGoneWithin"/> (then says what may be missing).</summary>
    public static async Task WaitForSessionsToCloseAsync(NpgsqlConnection monitor, string runName, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + SessionsGoneWithin;
        while (await ScalarAsync<long>(monitor, CountSessions, runName, ct) > 0)
        {
            if (time.GetUtcNow() > deadline)
            {
                logger.LogWarning("A rehearsal's sessions were still open {Wait} after the run; deadlocks they have not reported yet are missing ({Run})",
                    SessionsGoneWithin, runName);
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, string? parameter, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
            command.Parameters.Add(new() { Value = parameter });
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(ct))!, typeof(T));
    }
}
