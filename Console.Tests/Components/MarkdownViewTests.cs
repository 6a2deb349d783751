using Bunit;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Components;

public sealed class MarkdownViewTests : ConsoleComponentContext
{
    [Fact]
    public void ANote_IsRenderedAsFormatting_AndItsScriptAsText()
    {
        var view = Render<MarkdownView>(p => p
            .Add(v => v.Markdown, "**Rolled back** change #7 <script>alert(1)</script> [x](javascript:alert(1))")
            .Add(v => v.TestId, "note"));

        var root = view.Find("[data-testid=note]");
        Assert.Equal("Rolled back", root.QuerySelector("strong")!.TextContent);
        Assert.Empty(root.QuerySelectorAll("script"));
        Assert.Contains("<script>alert(1)</script>", root.TextContent);
        Assert.False(root.QuerySelector("a")!.HasAttribute("href"));
    }

    [Fact]
    public void ANewText_IsRenderedAgain()
    {
        var view = Render<MarkdownView>(p => p.Add(v => v.Markdown, "first *draft*"));

        view.Render(p => p.Add(v => v.Markdown, "second **version**"));

        Assert.Equal("version", view.Find("strong").TextContent);
        Assert.Empty(view.FindAll("em"));
    }
}
