namespace OpsConsole.Web.Components.Pages.Changes;

/// <summary>How change pages write values and times, so that the list and the detail agree.</summary>
public static class ChangeFormat
{
    public static string Value(string? value, string? unit) =>
        value is null ? "—" : unit is null || unit.Length == 0 ? value : $"{value} {unit}";

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + " UTC" : "—";
}
