using System.Globalization;
using OpsConsole.Web.Api;

namespace OpsConsole.Web.CommandLine;

/// <summary>
/// Where a running rehearsal stands, in one line: round, phase, percent and time left. On a terminal the line is rewritten
/// in place (<c>\r</c>); into a file or a pipeline's log, a line is written only when the phase or round changes, so that a
/// log reads as the steps taken rather than a second-by-second echo.
/// </summary>
public sealed class RehearsalProgressLine(TextWriter output, bool interactive)
{
    private string? lastStep;
    private int lastWidth;

    public void Show(RehearsalView r)
    {
        if (interactive)
        {
            var line = Text(r, withTime: true);
            output.Write("\r" + line.PadRight(lastWidth));
            lastWidth = line.Length;
            output.Flush();
            return;
        }
        var step = $"{r.Status}/{r.Phase}/{r.Round}";
        if (step == lastStep)
            return;
        lastStep = step;
        output.WriteLine($"[{Clock(r.ElapsedSeconds)}] {Text(r, withTime: false)}");
        output.Flush();
    }

    /// <summary>Ends the rewritten line, so that what follows starts on a line of its own.</summary>
    public void End()
    {
        if (interactive && lastWidth > 0)
            output.WriteLine();
        lastWidth = 0;
    }

    public static string Text(RehearsalView r, bool withTime)
    {
        if (r.Status == "queued")
            return "queued: waiting for the console to start it";
        var round = r.Rounds > 1 ? $"round {r.Round}/{r.Rounds} - " : "";
        var cancelling = r.CancelRequested ? " (cancelling)" : "";
        if (!withTime)
            return $"{round}{r.PhaseText}{cancelling}";
        // An estimate (RehearsalPlan) for the bar only: never 100 % before it has ended.
        var fraction = r.PlannedSeconds <= 0 ? 0 : Math.Min(0.99, r.ElapsedSeconds / r.PlannedSeconds);
        var left = Math.Max(0, r.PlannedSeconds - r.ElapsedSeconds);
        return $"{round}{r.PhaseText}{cancelling} - {(fraction * 100).ToString("0", CultureInfo.InvariantCulture)} % - about {Clock(left)} left";
    }

    public static string Clock(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Round(seconds));
        return time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
