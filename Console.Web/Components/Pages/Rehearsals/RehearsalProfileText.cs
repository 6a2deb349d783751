using System.Globalization;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>How the profiles page writes a profile's columns, short enough for a table row.</summary>
public static class RehearsalProfileText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"18/s (6 × 3)": the pace a run keeps, and how it is made.</summary>
    public static string Pace(RehearsalProfileSettings p) =>
        $"{Number(p.PacePerSecond)}/s ({Number(p.RatePerSecond)} × {Number(p.PeakMultiplier)})";

    public static string Workload(RehearsalProfileSettings p) => p.Scripts.Count switch
    {
        0 => "demo shop checkout",
        1 => "1 SQL script",
        var n => $"{n} SQL scripts",
    };

    public static string Duration(RehearsalProfileSettings p) => DurationText.Of(p.Duration);

    public static string Number(double value) => value.ToString("0.##", Invariant);
}
