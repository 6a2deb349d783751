using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OpsConsole.Web.Components;

/// <summary>
/// The viewer's time zone, for times shown in it with their UTC offset, and for times typed into datetime-local fields.
/// js/ops.js writes the browser's IANA zone into a cookie, so the server renders local times on the first paint as it does
/// the theme; until the browser has said, for a zone this server does not know, and for a user who chose UTC
/// (<see cref="ViewerClock"/>), times are in UTC. The API and the exports never use this: they stay UTC, ISO 8601.
/// </summary>
public static class ViewerTimeZone
{
    public const string CookieName = "ops-tz";
    public const string CascadeName = "ViewerTimeZone";

    /// <summary>What a datetime-local field sends and shows: to the minute, no zone.</summary>
    public const string InputFormat = "yyyy-MM-dd'T'HH:mm";

    public const string NotATime = "Not a date and time.";

    public static TimeZoneInfo Of(HttpContext? http) =>
        http?.Request.Cookies.TryGetValue(CookieName, out var id) == true ? Find(id) : TimeZoneInfo.Utc;

    /// <summary>The zone of an IANA id ("Europe/Berlin"), or UTC for anything else: the cookie is the browser's to write.</summary>
    public static TimeZoneInfo Find(string? id) => TryFind(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>
    /// The zone of an IANA id this server knows. The id names a file under the zoneinfo folder on Linux, so only ids
    /// that cannot be a path elsewhere are looked up: they begin with a letter and hold letters, digits and / _ - + only.
    /// </summary>
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        return id is { Length: > 0 and <= 64 } && char.IsAsciiLetter(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+')
            && TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone);
    }

    /// <summary>"2026-11-29 14:12:05 UTC+01:00": the time in <paramref name="zone"/>, with the offset it had then.</summary>
    public static string Format(DateTimeOffset at, TimeZoneInfo? zone, string format = "yyyy-MM-dd HH:mm:ss")
    {
        var local = TimeZoneInfo.ConvertTime(at, zone ?? TimeZoneInfo.Utc);
        return $"{local.ToString(format, CultureInfo.InvariantCulture)} {Offset(local.Offset)}";
    }

    /// <summary>"UTC+01:00", "UTC-05:00", "UTC+00:00".</summary>
    public static string Offset(TimeSpan offset) => $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}";

    /// <summary>The zone as a field label says it: "Europe/Berlin, UTC+01:00" (the offset of <paramref name="now"/>), or "UTC".</summary>
    public static string Name(TimeZoneInfo? zone, DateTimeOffset now)
    {
        zone ??= TimeZoneInfo.Utc;
        return zone == TimeZoneInfo.Utc || zone.Id == "UTC" ? "UTC" : $"{zone.Id}, {Offset(zone.GetUtcOffset(now))}";
    }

    /// <summary>"From (Europe/Berlin, UTC+01:00)": the label of a field whose times are read in <paramref name="zone"/>.</summary>
    public static string Label(string name, TimeZoneInfo? zone, DateTimeOffset now) => $"{name} ({Name(zone, now)})";

    /// <summary>A moment as a datetime-local field in <paramref name="zone"/> shows it.</summary>
    public static string InputText(DateTimeOffset at, TimeZoneInfo? zone) =>
        TimeZoneInfo.ConvertTime(at, zone ?? TimeZoneInfo.Utc).ToString(InputFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// A wall-clock time typed in <paramref name="zone"/>, as the moment it names. A time the clocks skip (spring forward)
    /// names no moment: an error says so. A time the clocks pass twice (fall back) is read as the first of the two, the
    /// one still on summer time (docs/decisions/0033-timezones-typed-times.md). Null and no error for a blank field.
    /// </summary>
    public static (DateTimeOffset? At, string? Error) ReadInput(string? text, TimeZoneInfo? zone)
    {
        zone ??= TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(text))
            return (null, null);
        if (!DateTime.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed)
            || parsed.Kind != DateTimeKind.Unspecified)
            return (null, NotATime);
        var local = DateTime.SpecifyKind(parsed, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
            return (null, $"{local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} does not exist in {zone.Id}: the clocks skip it.");
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return (new DateTimeOffset(local, offset).ToUniversalTime(), null);
    }
}
