using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpsConsole.Domain;
using OpsConsole.Domain.Alerts;

namespace OpsConsole.Web.Api;

/// <summary>Alerts read from a body, or what is wrong with it, each problem under the place it is at (<c>alerts[2].labels.alertname</c>).</summary>
public sealed record ParsedAlerts(IReadOnlyList<AlertSignal> Alerts, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Reading alert fields by hand, naming the place of each problem; shared by the Alertmanager and generic parsers.</summary>
internal sealed partial class AlertJson
{
    public const int MaxText = 1000;
    public const int MaxKey = 200;
    public const int MaxLabels = 100;

    public Dictionary<string, string[]> Errors { get; } = [];

    public void Error(string place, string message) => Errors.TryAdd(place, [message]);

    /// <summary>A string member, or null (with an error when required, not a string, too long or holding what text may not).</summary>
    public string? Text(JsonElement parent, string member, string place, bool required, int max = MaxText, bool multiLine = false)
    {
        if (!parent.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                Error(place, $"Give '{place}'.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(place, $"'{place}' must be a string.");
            return null;
        }
        var text = value.GetString()!;
        if (TextRules.Problem(text, multiLine) is { } problem)
            Error(place, $"'{place}' {problem}.");
        else if (text.Length > max)
            Error(place, $"'{place}' is longer than {max} characters.");
        else if (required && string.IsNullOrWhiteSpace(text))
            Error(place, $"'{place}' is empty.");
        else
            return text.Trim();
        return null;
    }

    /// <summary>An RFC 3339 time; Go's nine fractional digits (as Alertmanager sends them) are cut to the seven .NET keeps.</summary>
    public DateTimeOffset? Time(JsonElement parent, string member, string place, bool required)
    {
        var text = Text(parent, member, place, required, max: 64);
        if (text is null)
            return null;
        var trimmed = ExtraFraction().Replace(text, "$1");
        // Not "K", which also takes a time without any offset: a time whose zone is guessed is an onset off by hours.
        if (DateTimeOffset.TryParseExact(trimmed, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
                "yyyy-MM-dd'T'HH:mm:sszzz"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return time;
        Error(place, $"'{place}' must be an RFC 3339 time with its offset, e.g. 2026-12-01T14:12:00Z.");
        return null;
    }

    /// <summary>An object of string values (labels, annotations); empty when missing and not required.</summary>
    public Dictionary<string, string> Map(JsonElement parent, string member, string place, bool required)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!parent.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                Error(place, $"Give '{place}'.");
            return map;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(place, $"'{place}' must be an object of strings.");
            return map;
        }
        foreach (var entry in value.EnumerateObject())
        {
            if (map.Count == MaxLabels)
            {
                Error(place, $"'{place}' has more than {MaxLabels} entries.");
                break;
            }
            var entryPlace = $"{place}.{entry.Name}";
            if (TextRules.Problem(entry.Name, multiLine: false) is not null || entry.Name.Length is 0 or > MaxKey)
                Error(place, $"'{place}' has a name that is empty, too long or not plain text.");
            else if (Text(value, entry.Name, entryPlace, required: false, multiLine: true) is { } text)
                map[entry.Name] = text;
        }
        return map;
    }

    [GeneratedRegex(@"^(.*\.\d{7})\d+(?=Z$|[+-]\d{2}:\d{2}$)")]
    private static partial Regex ExtraFraction();
}
