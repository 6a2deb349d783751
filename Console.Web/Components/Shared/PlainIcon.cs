using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// MudIcon's markup (an inline SVG with MudBlazor's icon classes) without the component, for the parts every open page
/// keeps: each component holds two render trees on the server for as long as the page is open (decisions/0038).
/// </summary>
public static class PlainIcon
{
    /// <param name="svg">The path data of a MudBlazor icon (<c>Icons.Material.Filled.*</c>).</param>
    /// <param name="classes">Extra classes after <c>mud-icon-root mud-svg-icon</c>, such as the size and colour.</param>
    public static RenderFragment Of(string svg, string classes = "mud-icon-default mud-icon-size-medium") => builder => Render(builder, svg, classes);

    private static void Render(RenderTreeBuilder builder, string svg, string classes)
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", $"mud-icon-root mud-svg-icon {classes}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddMarkupContent(5, svg);
        builder.CloseElement();
    }
}
