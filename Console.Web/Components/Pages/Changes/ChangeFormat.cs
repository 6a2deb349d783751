namespace OpsConsole.Web.Components.Pages.Changes;

/// <summary>How change pages write values and times, so that the list and the detail agree.</summary>
public static class ChangeFormat
{
    public static string Value(string? value, string? unit) =>
        value is null ? "—" : unit is null || unit.Length == 0 ? value : $"{value} {unit}";

    /// <summary>For text that cannot hold a &lt;LocalTime&gt; (a label): the viewer's zone with its offset.</summary>
    public static string Time(DateTimeOffset? at, TimeZoneInfo? zone) => at is { } t ? ViewerTimeZone.Format(t, zone) : "—";
}
