namespace OpsConsole.Tests.Support;

/// <summary>
/// A console on a fresh store, and a staging database "shop" in a PostgreSQL cluster of its own that rehearsal tests load
/// and ALTER SYSTEM; the target is not registered, so nothing else of the console's touches it.
/// </summary>
public sealed class RehearsalFixture(PostgresClusterFixture postgres) : ConsoleWithTargetFixture(postgres, "rehearsal", "rehearsal")
{
    public ConsoleApp App { get; private set; } = null!;

    protected override Task StartAsync()
    {
        App = new ConsoleApp(StoreConnectionString);
        _ = App.BaseUrl; // started now, not inside a test's run
        return Task.CompletedTask;
    }

    /// <summary>ALTER SYSTEM and a reload, then waits until a new session sees it (the postmaster reloads asynchronously).</summary>
    public async Task SetAsync(string parameter, string value)
    {
        await ExecuteOnTargetAsync($"ALTER SYSTEM SET {parameter} = '{value}'", "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => ScalarOnTargetAsync($"SHOW {parameter}"), v => (string?)v == value, TimeSpan.FromSeconds(30), $"{parameter} = {value}");
    }

    /// <summary>ALTER SYSTEM RESET and a reload, then waits until no new session takes the setting from postgresql.auto.conf.</summary>
    public async Task ResetAsync(string parameter)
    {
        await ExecuteOnTargetAsync($"ALTER SYSTEM RESET {parameter}", "SELECT pg_reload_conf()");
        await Poll.UntilAsync(() => ScalarOnTargetAsync($"SELECT coalesce(sourcefile, '') NOT LIKE '%postgresql.auto.conf' FROM pg_settings WHERE name = '{parameter}'"),
            v => v is true, TimeSpan.FromSeconds(30), $"{parameter} reset");
    }

    protected override ValueTask StopAsync() => App.DisposeAsync();
}
