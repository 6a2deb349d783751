using MudBlazor;

namespace OpsConsole.Web.Components.Layout;

/// <summary>
/// The console's colours. Every one meets WCAG AA (4.5:1) both as text on the page's surfaces and behind its contrast
/// text (the checks are <c>E2E/AccessibilityTests</c>): MudBlazor's default greens, oranges and reds are too light for
/// white text in light mode, and too light behind white text in dark mode, so dark mode puts dark text on them.
/// </summary>
public static class OpsTheme
{
    /// <summary>Text on the dark-mode colours: the page's own background.</summary>
    private const string DarkOnColour = "#0b1320";

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#5c6b7a",
            Info = "#1565c0",
            Success = "#2e7d32",
            Warning = "#a84f00",
            Error = "#c62828",
            AppbarBackground = "#14233a",
            Background = "#f5f7fa",
            // MudBlazor's default (black at 54 %) is 4.48:1 on the gray panels (the lock graph's): just under 4.5.
            TextSecondary = "rgba(0,0,0,0.64)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6ea8ff",
            PrimaryContrastText = DarkOnColour,
            Secondary = "#9aa7b5",
            SecondaryContrastText = DarkOnColour,
            Info = "#64b5f6",
            InfoContrastText = DarkOnColour,
            Success = "#66bb6a",
            SuccessContrastText = DarkOnColour,
            Warning = "#ffb74d",
            WarningContrastText = DarkOnColour,
            Error = "#ff8a80",
            ErrorContrastText = DarkOnColour,
            AppbarBackground = "#0d1522",
            Background = "#111821",
            Surface = "#18212d",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "220px" },
    };
}
