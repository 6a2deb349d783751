using System.Diagnostics;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>
/// Consoles as OS processes on one store, sampling one target, so that the sampling one can be killed with kill -9.
/// An in-process console with sampling off registers the target and watches: the ticks of whoever samples reach it
/// through the live bridge, so it sees the moment the survivor's first tick arrives.
/// </summary>
public sealed class SamplerTakeoverRig : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly List<ConsoleProcess> consoles = [];
    private readonly string logs = PostgresClusterFixture.NewTempFolder("takeover-logs");
    private string store = "";

    public ConsoleApp Observer { get; private set; } = null!;
    public Guid TargetId { get; private set; }

    private static string BuiltConsole => RepoPaths.BuiltConsole;

    public static async Task<SamplerTakeoverRig> StartAsync(PostgresClusterFixture postgres, int consoles)
    {
        var rig = new SamplerTakeoverRig { store = await postgres.CreateStoreAsync("takeover") };
        rig.Observer = new ConsoleApp(rig.store, new Dictionary<string, string?> { ["Locks:Enabled"] = "false", ["Drift:Interval"] = "01:00:00" });
        rig.TargetId = await rig.Observer.Service<TargetRegistry>().RegisterAsync(Actor.System, "takeover", TargetEnvironment.Staging,
            await postgres.CreateTargetDatabaseAsync("takeover_target"));
        await Task.WhenAll(Enumerable.Range(0, consoles).Select(_ => rig.StartConsoleAsync()));
        return rig;
    }

    /// <summary>One more console process on the store, listening.</summary>
    public async Task StartConsoleAsync()
    {
        var console = ConsoleProcess.Start(RepoPaths.WebProject, new Dictionary<string, string>
        {
            ["ConnectionStrings__Console"] = store,
            ["Serilog__WriteTo__File__Args__path"] = Path.Combine(logs, $"opsconsole-{Guid.NewGuid():N}-.json"),
        }, BuiltConsole, "--urls", $"http://127.0.0.1:{ConsoleProcess.FreePort()}");
        lock (consoles) consoles.Add(console);
        await console.WaitUntilListeningAsync(StartTimeout);
    }

    /// <summary>The console process sampling the target now, once one does (its lock connection names its process id).</summary>
    public async Task<ConsoleProcess> SamplerAsync() =>
        await Poll.UntilAsync(async () =>
        {
            var pid = await SamplerPidAsync();
            lock (consoles) return consoles.FirstOrDefault(c => c.Id == pid);
        }, c => c is not null, StartTimeout, "a console process sampling the target") ?? throw new InvalidOperationException();

    /// <summary>
    /// kill -9 of the sampling console; returns the time from the kill to the first tick another console sampled, as
    /// the observer received it. Fails after <paramref name="limit"/>.
    /// </summary>
    public async Task<TimeSpan> KillSamplerAndTimeTakeoverAsync(TimeSpan limit)
    {
        var victim = await SamplerAsync();
        // The observer follows the victim's ticks first: its bridge and the notices work before the kill.
        await Poll.UntilAsync(() => Task.FromResult(Observer.Service<LockMonitor>().Latest(TargetId)), s => s is not null, StartTimeout, "the observer following the ticks");
        var firstAfterKill = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();
        using var subscription = Observer.Service<LiveEvents>().Subscribe(e =>
        {
            if (e is LocksSampled { Remote: true } tick && tick.TargetId == TargetId && clock.IsRunning && tick.At > killedAt)
                firstAfterKill.TrySetResult(clock.Elapsed);
            return Task.CompletedTask;
        });
        killedAt = DateTimeOffset.UtcNow;
        clock.Start();
        victim.Kill();
        lock (consoles) consoles.Remove(victim);
        await victim.DisposeAsync();
        return await Poll.UntilAsync(() => Task.FromResult(firstAfterKill.Task.IsCompleted ? firstAfterKill.Task.Result : TimeSpan.MinValue),
            t => t > TimeSpan.Zero, limit, "the first tick of the surviving console");
    }

    private DateTimeOffset killedAt = DateTimeOffset.MaxValue;

    private async Task<int?> SamplerPidAsync()
    {
        var key = StoreLocks.KeyOf(LockSampler.SamplerLock(TargetId));
        await using var connection = new NpgsqlConnection(store + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::text = $1 AND l.objid::text = $2
            """, connection)
        {
            Parameters = { new() { Value = ((uint)(key >> 32)).ToString() }, new() { Value = ((uint)key).ToString() } },
        };
        return await command.ExecuteScalarAsync() is string name && int.TryParse(name[(StoreLocks.ApplicationName.Length + 1)..], out var pid) ? pid : null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var console in consoles)
            await console.DisposeAsync();
        await Observer.DisposeAsync();
        PostgresClusterFixture.TryDelete(logs);
    }
}
