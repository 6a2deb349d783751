using Ganss.Xss;
using Markdig;

namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// Markdown that people type (incident notes, postmortems) as HTML that is safe to show another person: Markdig with raw
/// HTML turned into text, then HtmlSanitizer over the result. Two layers, because Markdown alone still makes links
/// (<c>[x](javascript:…)</c>, <c>![x](data:…)</c>), and a sanitizer alone would silently drop what someone typed between
/// angle brackets (<c>&lt;pid 4711&gt;</c> in a pasted log). Only the tags Markdig's chosen extensions emit are allowed,
/// only http(s) and mailto links, no classes, ids or styles: a note cannot dress up as the console (docs/decisions/0023).
/// </summary>
public static class SafeMarkdown
{
    // Extensions chosen for notes: tables, ~~strike~~, task lists, bare URLs as links, a line break where one is typed.
    // Left out: generic attributes ({onclick=…}), media links (iframes), auto identifiers (ids that clobber the page's),
    // custom containers, mathematics and diagrams.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .UseListExtras()
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    /// <summary>The HTML for <paramref name="markdown"/>, safe to render as markup; empty for null or blank text.</summary>
    public static string ToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline));

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "del", "ins", "mark", "sub", "sup", "code", "pre",
                "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "input",
            },
            // input only as Markdig's task-list checkbox: type and checked/disabled, nothing that submits or names a form.
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
                { "href", "title", "src", "alt", "start", "type", "checked", "disabled", "align" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(),
        });
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement element)
            {
                // A note's link opens where the reader chose, and the page it leads to learns nothing of the console.
                if (element.LocalName == "a" && element.HasAttribute("href"))
                    element.SetAttribute("rel", "noopener noreferrer nofollow");
                // The only input Markdig emits is a task's checkbox: it shows the state, never changes it.
                if (element.LocalName == "input")
                {
                    if (element.GetAttribute("type") != "checkbox")
                        element.Remove();
                    else
                        element.SetAttribute("disabled", "");
                }
            }
        };
        return sanitizer;
    }
}
