using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using OpsConsole.Web.Api;

namespace OpsConsole.Web.CommandLine;

/// <summary>Where the command writes, and what it reads from its environment (so that tests run it in-process).</summary>
public sealed record CommandLineIo(TextWriter Out, TextWriter Error, bool Interactive, Func<string, string?> Environment)
{
    public static CommandLineIo Process() => new(Console.Out, Console.Error, !Console.IsOutputRedirected, System.Environment.GetEnvironmentVariable);
}

/// <summary>
/// <c>rehearse --change 42 --target staging --profile peak</c>: a client of a running console's API. It starts the
/// rehearsal there (so the console's runner keeps its revert and recovery guarantees, whatever happens to this process),
/// follows it once a second with a progress line, prints the summary table, writes the report with <c>--out</c>, and exits
/// 0 on pass, 1 on fail and 2 when the rehearsal could not run (refused, not run, cancelled, the console unreachable, bad
/// arguments), with the reason on stderr. A cancel of <paramref name="ct"/> (Ctrl+C) cancels the rehearsal through the API.
/// </summary>
public static class RehearseCommand
{
    public const string Name = "rehearse";
    public const string ConsoleVariable = "OPSCONSOLE_URL";
    public const string TokenVariable = "OPSCONSOLE_TOKEN";
    /// <summary>Where <c>dotnet run --project Console.Web</c> listens on its embedded default (Properties/launchSettings.json).</summary>
    public const string DefaultConsole = "http://localhost:5080";
    public const int Passed = 0, Failed = 1, CouldNotRun = 2;

    /// <summary>How long the console may stay silent while the rehearsal runs before the command gives up following it.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    /// <summary>After a cancel, how long to wait for the console to stop the load and revert staging, to report the revert.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(90);

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == Name;

    /// <summary>
    /// The command as a process: the first Ctrl+C (or a pipeline's SIGTERM) cancels the rehearsal through the API and waits
    /// for staging's revert; a second Ctrl+C ends the process at once (the console still reverts staging).
    /// </summary>
    public static async Task<int> RunAsProcessAsync(string[] args)
    {
        using var interrupted = new CancellationTokenSource();
        void Interrupt(ConsoleCancelEventArgs e)
        {
            if (interrupted.IsCancellationRequested)
                return;
            e.Cancel = true;
            interrupted.Cancel();
        }
        ConsoleCancelEventHandler onCancel = (_, e) => Interrupt(e);
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupted.Cancel();
        });
        try
        {
            return await RunAsync(args, CommandLineIo.Process(), interrupted.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    public static async Task<int> RunAsync(string[] args, CommandLineIo io, CancellationToken ct)
    {
        var change = new Option<int>("--change") { Description = "The number of the setting change to rehearse.", Required = true };
        var target = new Option<string?>("--target") { Description = "The staging target's name (or --throwaway)." };
        var throwaway = new Option<bool>("--throwaway")
        {
            Description = "Rehearse on a throwaway staging cluster the console creates for it and removes afterwards (the embedded default).",
        };
        var profile = new Option<string>("--profile")
        {
            Description = "The profile: its name in any case, or a word of it that fits one profile only (peak: \"Black Friday peak\").",
            Required = true,
        };
        var output = new Option<FileInfo?>("--out") { Description = "Write the rehearsal with its whole report (both sides, every round) as JSON." };
        var console = new Option<string>("--console")
        {
            Description = $"The console's address. Default: ${ConsoleVariable}, else {DefaultConsole}.",
            DefaultValueFactory = _ => io.Environment(ConsoleVariable) is { Length: > 0 } url ? url : DefaultConsole,
        };
        var token = new Option<string?>("--token")
        {
            Description = $"A personal token with the scope rehearsals:write (made at /account/tokens). Default: ${TokenVariable}.",
            DefaultValueFactory = _ => io.Environment(TokenVariable),
        };
        var command = new RootCommand("Rehearse a setting change on a staging target: peak load without and with the change, side by side.")
        {
            change, target, throwaway, profile, output, console, token,
        };
        var parsed = command.Parse(args.Length > 0 && args[0] == Name ? args[1..] : args);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Error }, ct);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                await io.Error.WriteLineAsync(error.Message);
            await io.Error.WriteLineAsync($"Usage: {Name} --change <number> (--target <staging target> | --throwaway) --profile <profile> [--out report.json] " +
                                          "[--console http://host:port] [--token <personal token>]  (--help for more)");
            return CouldNotRun;
        }

        if (string.IsNullOrWhiteSpace(parsed.GetValue(target)) == !parsed.GetValue(throwaway))
            return await FailAsync(io, "Give either --target <staging target> or --throwaway, one of the two.");
        if (!Uri.TryCreate(parsed.GetValue(console), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            return await FailAsync(io, $"--console must be the console's http(s) address, not '{parsed.GetValue(console)}'.");
        if (parsed.GetValue(token) is not { Length: > 0 } key)
            return await FailAsync(io, $"Give a personal token with the scope rehearsals:write: --token, or ${TokenVariable}. Make one at " +
                                       $"{address.GetLeftPart(UriPartial.Authority)}/account/tokens.");
        if (!address.AbsoluteUri.EndsWith('/'))
            address = new Uri(address.AbsoluteUri + "/");

        using var client = RehearsalClient.For(address, key, RequestTimeout);
        var request = new Run(client, io, address, parsed.GetValue(output));
        return await request.RunAsync(parsed.GetValue(change), parsed.GetValue(target), parsed.GetValue(profile)!, ct);
    }

    private static async Task<int> FailAsync(CommandLineIo io, string reason)
    {
        await io.Error.WriteLineAsync(reason);
        return CouldNotRun;
    }

    private sealed class Run(RehearsalClient client, CommandLineIo io, Uri console, FileInfo? output)
    {
        private readonly RehearsalProgressLine progress = new(io.Out, io.Interactive);

        public async Task<int> RunAsync(int change, string? target, string profile, CancellationToken ct)
        {
            RehearsalView started;
            try
            {
                started = await client.StartAsync(change, target, profile, ct);
            }
            catch (ConsoleRefusedException refused)
            {
                return await FailAsync(io, $"The console refused the rehearsal: {refused.Message}");
            }
            catch (Exception e) when (Unreachable(e, ct))
            {
                return await FailAsync(io, $"Could not reach the console at {console}: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                return await FailAsync(io, "Interrupted before the console answered: if it started a rehearsal, it runs on; see the change's page.");
            }
            await io.Out.WriteLineAsync($"Rehearsal {started.Id} of change #{change} on {started.Target} with \"{started.Profile}\": " +
                                        $"{(started.Rounds == 1 ? "1 round" : $"{started.Rounds} rounds")}, about {RehearsalProgressLine.Clock(started.PlannedSeconds)}.");

            var (ended, json) = await FollowAsync(started, ct);
            progress.End();
            if (ended is null)
                return await FailAsync(io, $"Lost the console at {console} for {LostAfter.TotalSeconds:0} s. The rehearsal goes on there and staging is " +
                                           $"reverted however it ends: follow it at {console}api/v1/rehearsals/{started.Id}.");
            if (ct.IsCancellationRequested)
                (ended, json) = await CancelAsync(ended);
            return await EndAsync(ended, json);
        }

        /// <summary>Polls until the rehearsal ends, the caller cancels, or the console stays silent for <see cref="LostAfter"/> (null).</summary>
        private async Task<(RehearsalView? View, string? Json)> FollowAsync(RehearsalView from, CancellationToken ct)
        {
            var (id, last) = (from.Id, from);
            string? json = null;
            var silentSince = (DateTimeOffset?)null;
            while (true)
            {
                try
                {
                    (last, json) = await client.GetAsync(id, ct);
                    silentSince = null;
                    if (!last.IsUnderWay)
                        return (last, json);
                    progress.Show(last);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return (last, json);
                }
                catch (Exception e) when (e is ConsoleRefusedException or HttpRequestException or TaskCanceledException)
                {
                    // A console restarting or a moment's network trouble: the rehearsal runs on there; keep asking for a while.
                    silentSince ??= DateTimeOffset.UtcNow;
                    if (DateTimeOffset.UtcNow - silentSince > LostAfter)
                        return (null, null);
                }
                try
                {
                    await Task.Delay(PollEvery, ct);
                }
                catch (OperationCanceledException)
                {
                    return (last, json);
                }
            }
        }

        /// <summary>Ctrl+C: the console stops the load and reverts staging; wait (bounded) to report what the revert found.</summary>
        private async Task<(RehearsalView View, string? Json)> CancelAsync(RehearsalView last)
        {
            await io.Error.WriteLineAsync("Cancelling the rehearsal: the console stops the load and reverts staging...");
            using var wait = new CancellationTokenSource(CancelWait);
            try
            {
                if (last.IsUnderWay)
                    await client.CancelAsync(last.Id, wait.Token);
                var (ended, json) = await FollowAsync(last, wait.Token);
                progress.End();
                return ended is { IsUnderWay: false } ? (ended, json) : (last, null);
            }
            catch (Exception e) when (e is ConsoleRefusedException or HttpRequestException or OperationCanceledException)
            {
                await io.Error.WriteLineAsync($"The cancel did not go through ({e.Message}): the rehearsal may still run; cancel it on the change's page.");
                return (last, null);
            }
        }

        private async Task<int> EndAsync(RehearsalView ended, string? json)
        {
            if (output is not null && json is not null && !ended.IsUnderWay)
            {
                using var document = JsonDocument.Parse(json);
                await File.WriteAllTextAsync(output.FullName, JsonSerializer.Serialize(document.RootElement, Indented));
            }
            await io.Out.WriteLineAsync();
            await io.Out.WriteAsync(RehearsalSummaryTable.Of(ended));
            if (output is not null && json is not null && !ended.IsUnderWay)
                await io.Out.WriteLineAsync($"Report written to {output.FullName}");
            switch (ended.Status)
            {
                case "passed":
                    return Passed;
                case "failed":
                    await io.Error.WriteLineAsync($"The rehearsal failed: {ended.Verdict}");
                    return Failed;
                default:
                    var reason = ended.IsUnderWay ? "it was still under way when the command stopped following it" : ended.Reason ?? "no reason given";
                    return await FailAsync(io, $"The rehearsal {RehearsalSummaryTable.StatusText(ended.Status)}: {reason}");
            }
        }

        private static bool Unreachable(Exception e, CancellationToken ct) =>
            e is HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested;

        private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    }
}
