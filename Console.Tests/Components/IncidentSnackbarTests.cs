using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Layout;

namespace OpsConsole.Tests.Components;

public sealed class IncidentSnackbarTests : ConsoleComponentContext
{
    private readonly LiveEvents live = new(TestMetrics.Create());

    public IncidentSnackbarTests() => Services.AddSingleton(live);

    private static IncidentUpdated Opened(int number = 12, string severity = "SEV1") =>
        new(Guid.NewGuid(), number, "Investigating", severity, IncidentUpdated.OpenedWhat, "Checkout failures above 5 %");

    private (IRenderedComponent<MudSnackbarProvider> Provider, IRenderedComponent<IncidentSnackbar> Listener) RenderSignedIn(bool signedIn = true)
    {
        var auth = AddAuthorization();
        if (signedIn)
            auth.SetAuthorized("oncall");
        else
            auth.SetNotAuthorized();
        return (Render<MudSnackbarProvider>(), Render<IncidentSnackbar>());
    }

    [Fact]
    public void AnOpenedIncident_ShowsASnackbar_WithALinkToIt()
    {
        var (provider, _) = RenderSignedIn();

        live.Publish(Opened(12));

        provider.WaitForAssertion(() =>
        {
            var snackbar = provider.Find("[data-testid=incident-snackbar]");
            Assert.Contains("SEV1 incident #12 opened:", snackbar.TextContent);
            Assert.Contains("Checkout failures above 5 %", snackbar.TextContent);
            var link = snackbar.QuerySelector("a")!;
            Assert.Equal("/incidents/12", link.GetAttribute("href"));
            Assert.Equal("Open incident #12", link.TextContent.Trim());
        });
        Assert.Single(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Severity == Severity.Error);
    }

    [Fact]
    public void AnIncidentFromAnotherInstance_ShowsToo()
    {
        var (provider, _) = RenderSignedIn();

        live.Publish(Opened(7) with { Remote = true });

        provider.WaitForAssertion(() => Assert.Contains("#7", provider.Find("[data-testid=incident-snackbar]").TextContent));
    }

    [Fact]
    public void LaterChanges_ShowNoSnackbar_ThoughTheOpeningDoes()
    {
        var (provider, _) = RenderSignedIn();

        live.Publish(Opened(3) with { Status = "Identified", What = "status" });
        live.Publish(new TargetUpdated(Guid.NewGuid()));
        live.Publish(Opened(4));

        // Events are handled in the order published: once #4 shows, #3 would have shown before it.
        provider.WaitForAssertion(() => Assert.Contains("#4", provider.Find("[data-testid=incident-snackbar]").TextContent));
        Assert.Single(provider.FindAll("[data-testid=incident-snackbar]"));
    }

    [Fact]
    public void TheSameOpening_TwiceOver_ShowsOneSnackbar()
    {
        var (provider, _) = RenderSignedIn();
        var opened = Opened(5);

        live.Publish(opened);
        live.Publish(opened);
        live.Publish(Opened(6));

        provider.WaitForAssertion(() => Assert.Equal(2, provider.FindAll("[data-testid=incident-snackbar]").Count));
        Assert.Equal(2, Services.GetRequiredService<ISnackbar>().ShownSnackbars.Count());
    }

    [Fact]
    public void SignedOut_NothingShows()
    {
        var (provider, _) = RenderSignedIn(signedIn: false);

        live.Publish(Opened(9));
        live.Publish(Opened(10));

        // Handled synchronously up to the authentication check, which completes at once in bUnit: nothing was queued.
        Assert.Empty(Services.GetRequiredService<ISnackbar>().ShownSnackbars);
        Assert.Empty(provider.FindAll("[data-testid=incident-snackbar]"));
    }

    [Fact]
    public void ADisposedListener_HearsNothingMore()
    {
        var (provider, listener) = RenderSignedIn();

        listener.Instance.Dispose();
        live.Publish(Opened(11));

        Assert.Empty(Services.GetRequiredService<ISnackbar>().ShownSnackbars);
    }

    [Theory]
    [InlineData("SEV1", Severity.Error)]
    [InlineData("sev2", Severity.Error)]
    [InlineData("SEV3", Severity.Warning)]
    [InlineData("SEV4", Severity.Info)]
    public void TheSeverity_SetsTheSnackbarsColour(string severity, Severity shown) => Assert.Equal(shown, IncidentSnackbar.SeverityOf(severity));
}
