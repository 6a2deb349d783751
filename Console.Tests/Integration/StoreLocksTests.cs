using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Instances;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Two instances' store locks on one real store: the work runs on one at a time and moves when its holder goes.</summary>
public sealed class StoreLocksTests(PostgresClusterFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly IOptions<InstanceOptions> Fast = Options.Create(new InstanceOptions { LockRetryInterval = TimeSpan.FromMilliseconds(200) });
    private string store = "";

    public async ValueTask InitializeAsync() => store = await postgres.CreateStoreAsync("store_locks");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private StoreLocks NewInstance() => new(store, Fast, TimeProvider.System, NullLogger<StoreLocks>.Instance);

    [Fact]
    public async Task ALockHeldByOneInstance_IsRefusedToAnother_UntilTheHoldersConnectionCloses()
    {
        var a = NewInstance();
        await using var b = NewInstance();
        var ct = TestContext.Current.CancellationToken;

        Assert.NotNull(await a.TryTakeAsync("sampler:x", ct));
        Assert.Null(await b.TryTakeAsync("sampler:x", ct));
        Assert.NotNull(await b.TryTakeAsync("sampler:y", ct));
        Assert.True(a.Holds("sampler:x"));

        await a.DisposeAsync(); // the process going away: its connection closes, the server frees its locks
        Assert.NotNull(await Poll.UntilAsync(() => b.TryTakeAsync("sampler:x", ct), l => l is not null, Wait, "b taking the lock"));
    }

    [Fact]
    public async Task WorkRunsOnOneInstanceAtATime_AndMovesToTheOtherWhenItsHolderStops()
    {
        await using var a = NewInstance();
        await using var b = NewInstance();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var running = 0;
        var most = 0;
        var ranOn = new List<string>();

        var onA = a.RunWhileHoldingAsync("rollup", ct => Work("a", ct), stopA.Token);
        await Poll.UntilAsync(() => Task.FromResult(ranOn.Count), n => n == 1, Wait, "a running the work");
        var onB = b.RunWhileHoldingAsync("rollup", ct => Work("b", ct), stopB.Token);
        Assert.Null(await b.TryTakeAsync("rollup", TestContext.Current.CancellationToken));
        Assert.Equal(["a"], ranOn);

        await stopA.CancelAsync();
        await onA;
        await Poll.UntilAsync(() => Task.FromResult(ranOn.Count), n => n == 2, Wait, "b taking over the work");
        Assert.Equal(["a", "b"], ranOn);
        Assert.Equal(1, most);
        await stopB.CancelAsync();
        await onB;

        async Task Work(string who, CancellationToken ct)
        {
            lock (ranOn) ranOn.Add(who);
            most = Math.Max(most, Interlocked.Increment(ref running));
            try { await Task.Delay(Timeout.Infinite, ct); }
            finally { Interlocked.Decrement(ref running); }
        }
    }

    [Fact]
    public async Task AHolderThatLosesItsConnection_StopsTheWork_AndResumesOnlyOnceItHoldsTheLockAgain()
    {
        await using var a = NewInstance();
        using var stop = new CancellationTokenSource();
        var starts = 0;
        var stops = 0;
        var onA = a.RunWhileHoldingAsync("sampler:t", Work, stop.Token);
        await Poll.UntilAsync(() => Task.FromResult(starts), n => n == 1, Wait, "a running the work");

        // The store drops a's lock connection (a restart, a DBA), and someone else holds the lock before a can take it back.
        await using var other = new NpgsqlConnection(store + ";Pooling=false");
        await other.OpenAsync(TestContext.Current.CancellationToken);
        await using (var takeOver = new NpgsqlCommand("""
            SELECT pg_advisory_lock($1) FROM (SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name LIKE 'OpsConsole instance locks%') terminated
            """, other) { Parameters = { new() { Value = StoreLocks.KeyOf("sampler:t") } } })
            await takeOver.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);

        await Poll.UntilAsync(() => Task.FromResult(stops), n => n == 1, Wait, "a stopping the work");
        Assert.Null(await a.TryTakeAsync("sampler:t", TestContext.Current.CancellationToken));
        Assert.Equal(1, starts);

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", other) { Parameters = { new() { Value = StoreLocks.KeyOf("sampler:t") } } })
            await release.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await Poll.UntilAsync(() => Task.FromResult(starts), n => n == 2, Wait, "a running the work again");
        Assert.True(a.Holds("sampler:t"));
        await stop.CancelAsync();
        await onA;

        async Task Work(CancellationToken ct)
        {
            Interlocked.Increment(ref starts);
            try { await Task.Delay(Timeout.Infinite, ct); }
            finally { Interlocked.Increment(ref stops); }
        }
    }
}
