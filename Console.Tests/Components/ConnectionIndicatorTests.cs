using Bunit;
using Microsoft.AspNetCore.Components;
using OpsConsole.Web.Components.Layout;

namespace OpsConsole.Tests.Components;

public sealed class ConnectionIndicatorTests : ConsoleComponentContext
{
    [Fact]
    public void WhilePrerendering_SaysConnecting_AndIsNotMarkedInteractive()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var indicator = Render<ConnectionIndicator>();

        Assert.Equal("false", indicator.Find(".ops-connection").GetAttribute("data-interactive"));
        Assert.Contains("Connecting", indicator.Markup);
        Assert.Empty(indicator.FindAll(".ops-live"));
    }

    [Fact]
    public void OnceInteractive_SaysLive_WithReconnectingAndDisconnectedReadyForTheBrowserToShow()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var indicator = Render<ConnectionIndicator>();

        Assert.Equal("true", indicator.Find(".ops-connection").GetAttribute("data-interactive"));
        Assert.Equal("Live", indicator.Find(".ops-live").TextContent.Trim());
        Assert.Equal("Reconnecting", indicator.Find(".ops-reconnecting").TextContent.Trim());
        Assert.Equal("Disconnected", indicator.Find(".ops-disconnected").TextContent.Trim());
    }
}
