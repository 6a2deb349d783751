using System.Globalization;

namespace OpsConsole.Web.Components.Shared;

/// <summary>The chart ranges the Health and Locks pages offer.</summary>
public enum TimeRange { Quarter, Hour, SixHours, Day, Custom }

/// <summary>
/// A chosen range, or a custom from–to typed in UTC, as a window ending now: one set of rules and messages for every
/// page with history charts, and for the Audit page's date filters.
/// </summary>
public static class TimeWindow
{
    public static ((DateTimeOffset From, DateTimeOffset To)? Window, string? Error) Resolve(TimeRange range, string? customFrom, string? customTo,
        DateTimeOffset now, TimeSpan? maxCustom = null)
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
        if (maxCustom is { } max && to - from > max)
            return (null, $"A custom window spans at most {max.TotalDays:0} days.");
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
