using System.Globalization;
using System.Text.RegularExpressions;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>How the Locks page writes durations, times and queries: short enough for a node, exact enough to act on.</summary>
public static partial class LockFormat
{
    public static string Duration(TimeSpan? duration) => DurationText.Of(duration);

    /// <summary>A clock time in the viewer's zone with its offset ("14:12:05 UTC+01:00"), for text that cannot hold a &lt;LocalTime&gt;.</summary>
    public static string Time(DateTimeOffset at, TimeZoneInfo? zone) => ViewerTimeZone.Format(at, zone, "HH:mm:ss");

    public static string DateTime(DateTimeOffset at, TimeZoneInfo? zone) => ViewerTimeZone.Format(at, zone);

    /// <summary>One line of a query, whitespace collapsed, cut to <paramref name="length"/> characters.</summary>
    public static string ShortQuery(string query, int length = 36)
    {
        var line = Whitespace().Replace(query, " ").Trim();
        return line.Length <= length ? line : line[..(length - 1)] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
