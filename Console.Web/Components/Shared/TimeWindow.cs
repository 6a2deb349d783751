using System.Globalization;

namespace OpsConsole.Web.Components.Shared;

/// <summary>The chart ranges a <see cref="TimeWindowPicker"/> offers.</summary>
public enum TimeRange { Quarter, Hour, SixHours, Day, Custom }

/// <summary>
/// A chosen range, or a custom from–to typed in UTC, as a window ending now: one set of rules and messages for every
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
        DateTimeOffset now)
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
        if (ParseUtc(customFrom) is not { } from || ParseUtc(customTo) is not { } to || from >= to)
            return (null, "Give a start and an end (UTC), the start before the end.");
        if (to - from > MaxCustom)
            return (null, $"A custom window spans at most {MaxCustom.TotalDays:0} days.");
        return ((from, to), null);
    }

    /// <summary>A time as the custom range's inputs show it (UTC, to the minute).</summary>
    public static string InputText(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A typed time read as UTC, or null when it is not a time.</summary>
    public static DateTimeOffset? ParseUtc(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;
}
