using System.Text.RegularExpressions;
using OpsConsole.Web.Components.Layout;

namespace OpsConsole.Tests.Components;

public sealed partial class ThemeStylesheetTests : ConsoleComponentContext
{
    [Fact]
    public async Task TheLightPalette_IsTheRoots_AndTheDarkOne_OverridesEveryVariable_UnderTheDarkSelector()
    {
        var sheet = await new ThemeStylesheet(Services).GetAsync();

        var light = Block(sheet.Css, ":root");
        var dark = Block(sheet.Css, ThemeStylesheet.DarkSelector);
        // OpsTheme's backgrounds, #f5f7fa and #111821, as MudBlazor writes colours.
        Assert.Contains("--mud-palette-background: rgba(245,247,250,1);", light);
        Assert.Contains("--mud-palette-background: rgba(17,24,33,1);", dark);
        Assert.DoesNotContain("rgba(17,24,33,1)", light);
        Assert.Equal(Variables(light), Variables(dark));
        Assert.True(Variables(light).Count > 50, "MudBlazor's theme has far more variables than " + Variables(light).Count);
    }

    [Fact]
    public async Task TheAddress_NamesTheContent_SoABrowserMayKeepItForever()
    {
        var first = await new ThemeStylesheet(Services).GetAsync();
        var second = await new ThemeStylesheet(Services).GetAsync();

        Assert.Matches(@"^/theme/[0-9a-f]{16}\.css$", first.Href);
        Assert.Equal(first, second);
    }

    private static string Block(string css, string selector)
    {
        var at = css.IndexOf(selector + "{", StringComparison.Ordinal);
        if (at < 0)
            at = css.IndexOf(selector + " {", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no block for {selector} in the sheet");
        var open = css.IndexOf('{', at);
        return css[open..(css.IndexOf('}', open) + 1)];
    }

    private static List<string> Variables(string block) => [.. Variable().Matches(block).Select(m => m.Value).Order()];

    [GeneratedRegex(@"--[a-z0-9-]+(?=\s*:)")]
    private static partial Regex Variable();
}
