using Npgsql;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Changes;

/// <summary>
/// Changes a target's setting the one way the console does it (ALTER SYSTEM, then pg_reload_conf()) and
/// waits until it shows. The reload reaches sessions asynchronously, so verification polls with fresh
/// sessions until pg_settings agrees, or reports pending restart for settings that need one.
/// </summary>
public sealed class SettingWriter(TargetConnections connections, TimeProvider time)
{
    private static readonly TimeSpan VerifyDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(2), LongestPause = TimeSpan.FromMilliseconds(25);

    /// <summary>Sets a value, for apply and rollback alike; a dangerous setting the target does not allow is refused here, before anything runs.</summary>
    public Task SetAsync(Target target, string parameter, string value, CancellationToken ct) =>
        DangerousSettings.Problem(target, parameter) is { } danger
            ? Task.FromException(new TargetSafetyException(danger))
            : AlterAndReloadAsync(target, SettingSql.AlterSystemSet(parameter, value), ct);

    public Task ResetAsync(Target target, string parameter, CancellationToken ct) =>
        AlterAndReloadAsync(target, SettingSql.AlterSystemReset(parameter), ct);

    public async Task<SettingInfo> ReadAsync(Target target, string parameter, CancellationToken ct)
    {
        return (await connections.ReadAsync(target, (connection, c) => SettingCatalog.ReadAsync(connection, c, parameter), ct)).SingleOrDefault()
            ?? throw new ApplyVerificationException($"The target has no setting {parameter} any more.");
    }

    /// <summary>Waits until <paramref name="parameter"/> shows <paramref name="normalized"/>; true when it awaits a restart instead.</summary>
    public async Task<bool> WaitForAsync(Target target, string parameter, string normalized, CancellationToken ct, TimeSpan? timeout = null)
    {
        var deadline = time.GetUtcNow() + (timeout ?? VerifyDeadline);
        var pause = FirstPause;
        while (true)
        {
            var current = await ReadAsync(target, parameter, ct);
            if (SettingValidator.Matches(current, normalized))
                return false;
            if (current.PendingRestart)
                return true;
            if (time.GetUtcNow() > deadline)
                throw new ApplyVerificationException($"{parameter} shows {current.Setting}{current.Unit} after the reload, not {normalized}{current.Unit}.");
            // The reload reaches the sessions a few milliseconds after pg_reload_conf() returns: ask again soon, then less often.
            await Task.Delay(pause, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    private async Task AlterAndReloadAsync(Target target, string alterSystem, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(target, ct);
        await using (var alter = new NpgsqlCommand(alterSystem, connection))
            await alter.ExecuteNonQueryAsync(ct);
        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteNonQueryAsync(ct);
    }
}

public sealed class ApplyVerificationException(string message) : Exception(message);
