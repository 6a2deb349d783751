using MudBlazor;

namespace OpsConsole.Web.Components.Layout;

public static class OpsTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#5c6b7a",
            AppbarBackground = "#14233a",
            Background = "#f5f7fa",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6ea8ff",
            Secondary = "#9aa7b5",
            AppbarBackground = "#0d1522",
            Background = "#111821",
            Surface = "#18212d",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "220px" },
    };
}
