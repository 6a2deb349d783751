using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace OpsConsole.Tests.Support;

/// <summary>
/// axe-core run on the page as it is now, reduced to what must be fixed: every critical or serious violation, plus the
/// rules the issue named that axe rates lower (a main landmark, content inside landmarks, heading order, empty table headers) and one h1 a page.
/// </summary>
public static class Axe
{
    private static readonly HashSet<string> FailingImpacts = ["critical", "serious"];
    private static readonly HashSet<string> NamedRules = ["landmark-one-main", "region", "heading-order", "page-has-heading-one", "empty-table-header"];

    /// <summary>The violations that fail a page, one line each: rule, impact, what it asks, and the selector of every element.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => FailingImpacts.Contains(v.Impact ?? "") || NamedRules.Contains(v.Id))
            .Select(Describe)
            .ToList();
    }

    private static string Describe(AxeResultItem violation)
    {
        var line = new StringBuilder($"{violation.Id} ({violation.Impact}): {violation.Help}");
        foreach (var node in violation.Nodes)
            line.Append($"\n      {node.Target} {Summary(node)}");
        return line.ToString();
    }

    /// <summary>axe's messages for the node: for contrast they hold the measured ratio and both colours, what a fix needs.</summary>
    private static string Summary(AxeResultNode node) =>
        "— " + string.Join(" ", new[] { node.Any, node.All, node.None }.SelectMany(checks => checks ?? []).Select(check => check.Message).Distinct());
}
