using Bunit;
using MudBlazor;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Components;

public sealed class EmptyStateTests : ConsoleComponentContext
{
    [Fact]
    public void ShowsTitleAndExplanation_UnderItsTestId()
    {
        var state = Render<EmptyState>(p => p
            .Add(e => e.Icon, Icons.Material.Filled.Lock)
            .Add(e => e.Title, "No lock sampler yet")
            .Add(e => e.TestId, "locks-empty")
            .AddChildContent("Lock waits will show here."));

        var root = state.Find("[data-testid=locks-empty]");
        Assert.Contains("No lock sampler yet", root.TextContent);
        Assert.Contains("Lock waits will show here.", root.TextContent);
    }
}
