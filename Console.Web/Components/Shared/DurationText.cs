using System.Globalization;

namespace OpsConsole.Web.Components.Shared;

/// <summary>A wait or a run time, short enough for a graph node or a figure, exact enough to act on.</summary>
public static class DurationText
{
    public static string Of(TimeSpan? duration) => duration switch
    {
        null => "—",
        { TotalSeconds: < 1 } d => $"{d.TotalMilliseconds:0} ms",
        { TotalSeconds: < 60 } d => $"{d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
        { TotalHours: < 1 } d => $"{(int)d.TotalMinutes} min {d.Seconds:00} s",
        { } d => $"{(int)d.TotalHours} h {d.Minutes:00} min",
    };
}
