using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsConsole.Domain.Changes;

/// <summary>
/// Checks a proposed setting value against the target's own pg_settings metadata before anything is
/// saved or executed, and works out the value pg_settings will show once it took effect (base unit).
/// Pure: no database, so every rule is unit-tested.
/// </summary>
public static partial class SettingValidator
{
    public const int MaxValueLength = 1000;

    private static readonly Dictionary<string, double> MemoryUnits = new(StringComparer.Ordinal)
    {
        ["B"] = 1, ["kB"] = 1024, ["MB"] = 1024d * 1024, ["GB"] = 1024d * 1024 * 1024, ["TB"] = 1024d * 1024 * 1024 * 1024,
    };

    private static readonly Dictionary<string, double> TimeUnits = new(StringComparer.Ordinal)
    {
        ["us"] = 0.001, ["ms"] = 1, ["s"] = 1000, ["min"] = 60_000, ["h"] = 3_600_000, ["d"] = 86_400_000,
    };

    private static readonly string[] TrueWords = ["on", "true", "yes", "1"];
    private static readonly string[] FalseWords = ["off", "false", "no", "0"];

    /// <summary>Validates <paramref name="value"/> for the setting <paramref name="name"/>; throws DomainRuleException with a plain message.</summary>
    public static ValidatedSetting Validate(IReadOnlyList<SettingInfo> catalog, string name, string value)
    {
        var trimmedName = (name ?? "").Trim();
        var info = catalog.FirstOrDefault(s => s.Name == trimmedName.ToLowerInvariant())
            ?? throw new DomainRuleException($"Unknown setting '{Shorten(trimmedName)}': the target has no such parameter.", "Parameter");
        if (info.Context == "internal")
            throw new DomainRuleException($"'{info.Name}' is read-only: it is fixed when the server is built or initialized.", "Parameter");

        var text = (value ?? "").Trim();
        if (text.Length == 0)
            throw new DomainRuleException($"Give a value for {info.Name}.", "Value");
        if (text.Length > MaxValueLength)
            throw new DomainRuleException($"The value is longer than {MaxValueLength} characters.", "Value");
        if (text.Any(char.IsControl))
            throw new DomainRuleException("The value contains a control character (a line break, say): settings are single-line.", "Value");

        var normalized = info.VarType switch
        {
            "bool" => Boolean(info, text),
            "enum" => Enum(info, text),
            "integer" => Number(info, text, integer: true),
            "real" => Number(info, text, integer: false),
            _ => text,
        };
        return new ValidatedSetting(info, text, normalized);
    }

    /// <summary>Whether pg_settings.setting now shows the value a change set (numbers compared as numbers).</summary>
    public static bool Matches(SettingInfo current, string normalized) =>
        current.VarType is "integer" or "real"
            ? double.TryParse(current.Setting, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
              && double.TryParse(normalized, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
              && Math.Abs(a - b) <= Math.Max(1e-9, Math.Abs(b) * 1e-9)
            : string.Equals(current.Setting, normalized, StringComparison.OrdinalIgnoreCase);

    private static string Boolean(SettingInfo info, string text)
    {
        var word = text.ToLowerInvariant();
        if (TrueWords.Contains(word)) return "on";
        if (FalseWords.Contains(word)) return "off";
        throw new DomainRuleException($"{info.Name} is on or off; '{Shorten(text)}' is neither.", "Value");
    }

    private static string Enum(SettingInfo info, string text) =>
        info.EnumValues.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase))
        ?? throw new DomainRuleException($"{info.Name} takes one of {string.Join(", ", info.EnumValues)}; '{Shorten(text)}' is not one of them.", "Value");

    private static string Number(SettingInfo info, string text, bool integer)
    {
        var match = NumberWithUnit().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            throw new DomainRuleException($"{info.Name} takes {(integer ? "a whole number" : "a number")}{UnitHint(info)}; '{Shorten(text)}' is not one.", "Value");

        var unit = match.Groups[2].Value;
        var inBaseUnit = unit.Length == 0 ? amount : amount * UnitFactor(info, unit);
        if (integer)
        {
            var rounded = Math.Round(inBaseUnit);
            if (unit.Length == 0 && rounded != amount)
                throw new DomainRuleException($"{info.Name} takes a whole number; '{Shorten(text)}' has a fraction.", "Value");
            inBaseUnit = rounded;
        }

        var min = double.Parse(info.MinValue ?? "-1e308", CultureInfo.InvariantCulture);
        var max = double.Parse(info.MaxValue ?? "1e308", CultureInfo.InvariantCulture);
        if (inBaseUnit < min || inBaseUnit > max)
            throw new DomainRuleException(
                $"{info.Name} must be between {info.MinValue} and {info.MaxValue}{(info.Unit is null ? "" : $" {info.Unit}")}; '{Shorten(text)}' is out of range.", "Value");
        return inBaseUnit.ToString(integer ? "0" : "R", CultureInfo.InvariantCulture);
    }

    /// <summary>How many of the setting's base unit one <paramref name="unit"/> is (base units may be blocks: "8kB").</summary>
    private static double UnitFactor(SettingInfo info, string unit)
    {
        if (info.Unit is null)
            throw new DomainRuleException($"{info.Name} takes a plain number, without a unit.", "Value");
        var baseUnit = Unit(info.Unit)
            ?? throw new DomainRuleException($"{info.Name} has a unit this console does not know ({info.Unit}): give the value without a unit.", "Value");
        var given = Unit(unit);
        if (given is null || given.Value.Family != baseUnit.Family)
            throw new DomainRuleException($"{info.Name} does not take the unit '{Shorten(unit)}'{UnitHint(info)}.", "Value");
        return given.Value.Size / baseUnit.Size;
    }

    private static (Dictionary<string, double> Family, double Size)? Unit(string unit)
    {
        var block = BlockUnit().Match(unit);
        if (!block.Success)
            return null;
        var multiplier = block.Groups[1].Value.Length > 0 ? double.Parse(block.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
        var name = block.Groups[2].Value;
        if (MemoryUnits.TryGetValue(name, out var bytes)) return (MemoryUnits, multiplier * bytes);
        if (TimeUnits.TryGetValue(name, out var ms)) return (TimeUnits, multiplier * ms);
        return null;
    }

    private static string UnitHint(SettingInfo info) => info.Unit switch
    {
        null => "",
        var u when TimeUnits.ContainsKey(u) => $" (in {u}, or with a unit: us, ms, s, min, h, d)",
        var u => $" (in {u}, or with a unit: B, kB, MB, GB, TB)",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$")]
    private static partial Regex NumberWithUnit();

    [GeneratedRegex(@"^(\d*)([A-Za-z]+)$")]
    private static partial Regex BlockUnit();
}
