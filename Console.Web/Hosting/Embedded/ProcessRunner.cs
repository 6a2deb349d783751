using System.Diagnostics;

namespace OpsConsole.Web.Hosting.Embedded;

/// <summary>Runs a program to completion, optionally as another OS user, and hands back its exit code and output.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output)
    {
        public Result EnsureSuccess(string what) =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed (exit {ExitCode}): {Output.Trim()}");
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, string? asUser = null, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo
        {
            FileName = asUser is null ? program : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var a in new[] { "-u", asUser, "--", program })
                start.ArgumentList.Add(a);
        }
        foreach (var a in args)
            start.ArgumentList.Add(a);
        // The cluster must not inherit a locale the machine lacks; initdb is told --no-locale anyway.
        start.Environment["LC_ALL"] = "C";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, (await stdout) + (await stderr));
    }
}
