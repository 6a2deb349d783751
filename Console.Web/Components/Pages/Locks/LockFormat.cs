using System.Globalization;
using System.Text.RegularExpressions;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>How the Locks page writes durations, times and queries: short enough for a node, exact enough to act on.</summary>
public static partial class LockFormat
{
    public static string Duration(TimeSpan? duration) => DurationText.Of(duration);

    /// <summary>Times are shown in UTC, like the audit trail, so that two people on a call read the same clock.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>One line of a query, whitespace collapsed, cut to <paramref name="length"/> characters.</summary>
    public static string ShortQuery(string query, int length = 36)
    {
        var line = Whitespace().Replace(query, " ").Trim();
        return line.Length <= length ? line : line[..(length - 1)] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
