namespace OpsConsole.Web.Components.Shared;

/// <summary>The chart ranges a <see cref="TimeWindowPicker"/> offers.</summary>
public enum TimeRange { Quarter, Hour, SixHours, Day, Custom }

/// <summary>
/// A chosen range, or a custom from–to typed in the viewer's zone (UTC when none is given), as a window ending now: one set of rules and messages for every
/// page with history charts, and for the Audit page's date filters.
/// </summary>
public static class TimeWindow
{
    /// <summary>
    /// The longest custom window, the same on every page (the stored per-minute figures go back further): a week is
    /// 10,080 points per chart series already, far more than a chart has pixels to show them.
    /// </summary>
    public static readonly TimeSpan MaxCustom = TimeSpan.FromDays(7);

    public static ((DateTimeOffset From, DateTimeOffset To)? Window, string? Error) Resolve(TimeRange range, string? customFrom, string? customTo,
        DateTimeOffset now, TimeZoneInfo? zone = null)
    {
        TimeSpan? span = range switch
        {
            TimeRange.Quarter => TimeSpan.FromMinutes(15),
            TimeRange.Hour => TimeSpan.FromHours(1),
            TimeRange.SixHours => TimeSpan.FromHours(6),
            TimeRange.Day => TimeSpan.FromDays(1),
            _ => null,
        };
        if (span is { } s)
            return ((now - s, now), null);
        var (from, fromError) = ViewerTimeZone.ReadInput(customFrom, zone);
        var (to, toError) = ViewerTimeZone.ReadInput(customTo, zone);
        // A time the clocks skip says so; anything else that is not a time gets the general message.
        if ((fromError ?? toError) is { } error && error != ViewerTimeZone.NotATime)
            return (null, error);
        if (from is null || to is null || from >= to)
            return (null, "Give a start and an end, the start before the end.");
        if (to - from > MaxCustom)
            return (null, $"A custom window spans at most {MaxCustom.TotalDays:0} days.");
        return ((from.Value, to.Value), null);
    }

    /// <summary>A time as the custom range's inputs show it (in <paramref name="zone"/>, UTC when none; to the minute).</summary>
    public static string InputText(DateTimeOffset at, TimeZoneInfo? zone = null) => ViewerTimeZone.InputText(at, zone);
}
