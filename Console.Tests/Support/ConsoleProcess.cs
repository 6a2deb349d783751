using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OpsConsole.Tests.Support;

/// <summary>
/// The console as its own OS process, started the way a person starts it (<c>dotnet run</c> or the published
/// dll), so that tests see exactly what they would: its exit code, its output, the cluster it leaves behind.
/// </summary>
public sealed partial class ConsoleProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ConsoleProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        // The parent's environment must not leak a store or URL into the console under test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__") || k.StartsWith("ASPNETCORE_")).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_NOLOGO"] = "1";
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The console exited before listening:\n" + Output));
    }

    public string Output { get { lock (output) return string.Join('\n', output); } }

    public int ExitCode => process.ExitCode;

    /// <summary>The OS process id.</summary>
    public int Id => process.Id;

    /// <summary>kill -9: no shutdown, no cleanup; the operating system closes its sockets.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Starts <c>dotnet</c> with the given arguments in <paramref name="workingDirectory"/>.</summary>
    public static ConsoleProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>The same, with environment variables of its own (set after the parent's store and URL settings are removed).</summary>
    public static ConsoleProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        var console = new ConsoleProcess(start);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        console.process.Start();
        console.process.BeginOutputReadLine();
        console.process.BeginErrorReadLine();
        return console;
    }

    public async Task<Uri> WaitUntilListeningAsync(TimeSpan timeout) => await listening.Task.WaitAsync(timeout);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await process.WaitForExitAsync().WaitAsync(timeout);
        return process.ExitCode;
    }

    /// <summary>
    /// Ctrl+C, as a person at the terminal would press it: the terminal signals the process and its children. When
    /// the tests themselves run as a background job, SIGINT is ignored and the console inherits that (.NET keeps an
    /// inherited SIG_IGN, as shells do for background jobs): then SIGTERM, which the console handles the same way.
    /// </summary>
    public async Task InterruptAsync()
    {
        var signal = SigIntIgnoredHere() ? "-TERM" : "-INT";
        using (var children = Process.Start("pkill", [signal, "-P", process.Id.ToString()]))
            await children.WaitForExitAsync();
        using var kill = Process.Start("kill", [signal, process.Id.ToString()]);
        await kill.WaitForExitAsync();
    }

    private static bool SigIntIgnoredHere()
    {
        var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return ignored is not null && (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await InterruptAsync();
            try { await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)); }
            catch (TimeoutException) { process.Kill(entireProcessTree: true); }
        }
        process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (output) output.Add(line);
        var match = ListeningLine().Match(line);
        if (match.Success)
            listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
