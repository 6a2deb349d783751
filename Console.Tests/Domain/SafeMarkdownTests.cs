using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Domain;

/// <summary>What a note or a postmortem may hold and still be shown to another person: formatting yes, anything that runs no.</summary>
public sealed class SafeMarkdownTests
{
    public static TheoryData<string> Attacks() =>
    [
        "<script>alert('x')</script>",
        "Before <script src=\"https://evil.example/x.js\"></script> after",
        "[click me](javascript:alert(1))",
        "[click me](JaVaScRiPt:alert(1))",
        "[click me](javascript&#58;alert(1))",
        "<javascript:alert(1)>",
        "[payload](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "<img src=x onerror=alert(1)>",
        "![x](https://example.com/x.png \"t\" onerror=alert(1))",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<a href=\"javascript:alert(1)\">raw</a>",
        "[x](https://example.com){onclick=alert(1)}",
        "<div style=\"position:fixed;inset:0\" class=\"mud-overlay\">cover the page</div>",
        "<svg><animate onbegin=alert(1) attributeName=x dur=1s></svg>",
    ];

    [Theory]
    [MemberData(nameof(Attacks))]
    public void AnAttack_ComesOutInert(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        foreach (var element in Parse(html).QuerySelectorAll("*"))
        {
            Assert.Contains(element.LocalName, InertTags);
            foreach (var attribute in element.Attributes)
            {
                Assert.DoesNotContain(attribute.Name, new[] { "style", "class", "id", "srcdoc", "formaction", "action" });
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{attribute.Name} in {html}");
                if (attribute.Name is "href" or "src")
                    Assert.Matches("^(https?|mailto):", attribute.Value);
            }
        }
    }

    [Fact]
    public void RawHtml_IsShownAsTheTextThatWasTyped()
    {
        var html = SafeMarkdown.ToHtml("Blocked by <pid 4711> and <script>alert(1)</script>");

        var body = Parse(html);
        Assert.Empty(body.QuerySelectorAll("script"));
        Assert.Contains("<pid 4711>", body.TextContent);
        Assert.Contains("<script>alert(1)</script>", body.TextContent);
    }

    [Fact]
    public void AJavascriptLink_KeepsItsText_ButLinksNowhere()
    {
        var body = Parse(SafeMarkdown.ToHtml("[the runbook](javascript:alert(1))"));

        var link = Assert.Single(body.QuerySelectorAll("a"));
        Assert.Equal("the runbook", link.TextContent);
        Assert.False(link.HasAttribute("href"));
    }

    [Fact]
    public void Formatting_TablesTasksAndWebLinks_Survive()
    {
        var body = Parse(SafeMarkdown.ToHtml("""
            ## Root cause
            **deadlock_timeout** was raised to `5s` ~~by mistake~~.

            | step | at |
            |---|---|
            | rollback | 15:30 |

            - [x] roll back change #7
            - [ ] alert on lock waits

            See https://runbooks.example.com/locks and [the change](/changes/7).
            """));

        Assert.Equal("Root cause", body.QuerySelector("h2")!.TextContent);
        Assert.Equal("deadlock_timeout", body.QuerySelector("strong")!.TextContent);
        Assert.Equal("5s", body.QuerySelector("code")!.TextContent);
        Assert.Equal("by mistake", body.QuerySelector("del")!.TextContent);
        Assert.Equal("rollback", body.QuerySelector("table td")!.TextContent);
        var boxes = body.QuerySelectorAll("input[type=checkbox]");
        Assert.Equal(2, boxes.Length);
        Assert.All(boxes, box => Assert.True(box.HasAttribute("disabled")));
        Assert.True(boxes[0].HasAttribute("checked"));
        var links = body.QuerySelectorAll("a");
        Assert.Equal("https://runbooks.example.com/locks", links[0].GetAttribute("href"));
        Assert.Equal("noopener noreferrer nofollow", links[0].GetAttribute("rel"));
        Assert.Equal("/changes/7", links[1].GetAttribute("href"));
    }

    [Fact]
    public void ALineBreak_IsKept_AsInAChatNote()
    {
        var body = Parse(SafeMarkdown.ToHtml("first line\nsecond line"));

        Assert.Single(body.QuerySelectorAll("br"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n ")]
    public void NoText_IsNoHtml(string? markdown) => Assert.Equal("", SafeMarkdown.ToHtml(markdown));

    private static readonly string[] InertTags =
        ["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "del", "ins", "mark", "sub", "sup", "code", "pre",
         "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "input"];

    private static IElement Parse(string html)
    {
        var document = new HtmlParser().ParseDocument($"<body>{html}</body>");
        return document.Body!;
    }
}
