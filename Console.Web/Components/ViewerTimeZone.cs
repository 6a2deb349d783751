using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OpsConsole.Web.Components;

/// <summary>
/// The viewer's time zone, for times shown in it with their UTC offset. js/ops.js writes the browser's IANA zone into a
/// cookie, so the server renders local times on the first paint as it does the theme; until the browser has said, and for
/// a zone this server does not know, times are shown in UTC.
/// </summary>
public static class ViewerTimeZone
{
    public const string CookieName = "ops-tz";
    public const string CascadeName = "ViewerTimeZone";

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
    public static string Format(DateTimeOffset at, TimeZoneInfo zone, string format = "yyyy-MM-dd HH:mm:ss")
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return $"{local.ToString(format, CultureInfo.InvariantCulture)} UTC{sign}{offset.Duration():hh\\:mm}";
    }
}
