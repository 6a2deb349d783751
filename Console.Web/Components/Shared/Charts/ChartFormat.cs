using System.Globalization;

namespace OpsConsole.Web.Components.Shared.Charts;

public static class ChartFormat
{
    /// <summary>UTC, like the rest of the console, so that two people on a call read the same clock.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
