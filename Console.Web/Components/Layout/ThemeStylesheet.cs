using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace OpsConsole.Web.Components.Layout;

/// <summary>
/// The console's theme (<see cref="OpsTheme"/>) as one stylesheet for both modes, built once per process from what
/// <see cref="MudThemeProvider"/> renders and served at <see cref="Href"/> with a content hash, so browsers keep it.
/// A <c>MudThemeProvider</c> in the layout would hold its 12,000-character <c>style</c> element in every open page's
/// circuit, twice (the current and the previous render tree), and redraw it at every toggle (decisions/0040).
/// The light palette is <c>:root</c>'s; the dark one wins wherever the page holds an element with
/// <c>data-theme="dark"</c> (the layouts' content), so the toggle needs no script of its own.
/// </summary>
public sealed partial class ThemeStylesheet(IServiceProvider services)
{
    public const string PathPrefix = "/theme/";

    /// <summary>Beats <c>:root</c>, where MudBlazor writes the light palette, wherever a layout says it is dark.</summary>
    public const string DarkSelector = """:root:has([data-theme="dark"])""";

    private readonly Lazy<Task<Sheet>> sheet = new(() => BuildAsync(services));

    public sealed record Sheet(string Css, string Href);

    public Task<Sheet> GetAsync() => sheet.Value;

    private static async Task<Sheet> BuildAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
        var light = await RenderAsync(renderer, darkMode: false);
        var dark = await RenderAsync(renderer, darkMode: true);
        // The dark sheet differs from the light one only in :root's variables; the rest (scrollbars) is the same.
        var darkRoot = RootBlock().Match(dark);
        if (!RootBlock().IsMatch(light) || !darkRoot.Success)
            throw new InvalidOperationException("MudThemeProvider no longer writes the theme as a :root block; see ThemeStylesheet.");
        var css = light + "\n" + DarkSelector + darkRoot.Groups["body"].Value + "\n";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(css)))[..16];
        return new Sheet(css, $"{PathPrefix}{hash}.css");
    }

    private static Task<string> RenderAsync(HtmlRenderer renderer, bool darkMode) => renderer.Dispatcher.InvokeAsync(async () =>
    {
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(MudThemeProvider.Theme)] = OpsTheme.Theme,
            [nameof(MudThemeProvider.IsDarkMode)] = darkMode,
        });
        var html = (await renderer.RenderComponentAsync<MudThemeProvider>(parameters)).ToHtmlString();
        return string.Concat(StyleElement().Matches(html).Select(m => m.Groups["css"].Value.Trim() + "\n"));
    });

    [GeneratedRegex(@"<style[^>]*>(?<css>.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@":root\s*(?<body>\{[^}]*\})", RegexOptions.Singleline)]
    private static partial Regex RootBlock();
}

public static class ThemeStylesheetEndpoint
{
    /// <summary>Answers the current sheet's address only: a page cached with an older hash gets 404, not a wrong theme forever.</summary>
    public static IEndpointRouteBuilder MapThemeStylesheet(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ThemeStylesheet.PathPrefix + "{file}", async (string file, ThemeStylesheet theme, HttpContext http) =>
        {
            var sheet = await theme.GetAsync();
            if (ThemeStylesheet.PathPrefix + file != sheet.Href)
                return Results.NotFound();
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Text(sheet.Css, "text/css; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
