namespace OpsConsole.Web.Components.Shared.Charts;

public static class ChartFormat
{
    /// <summary>A chart's times (axis ends, marker titles): to the minute in the viewer's zone, with its offset.</summary>
    public static string Time(DateTimeOffset at, TimeZoneInfo? zone) => ViewerTimeZone.Format(at, zone, "yyyy-MM-dd HH:mm");
}
