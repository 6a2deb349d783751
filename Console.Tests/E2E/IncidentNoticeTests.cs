using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConsole.Tests.E2E;

public sealed class IncidentNoticeTests(ConsoleAppFixture fixture, BrowserFixture browser) : IClassFixture<ConsoleAppFixture>
{
    private readonly ConsoleApp app = fixture.App;

    [Fact]
    public async Task AnOpenedIncident_PopsUpOnAnOpenPage_AndItsLinkLeadsToTheIncident()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin", ConsoleApp.AdminPassword, "/changes");
        var opened = new IncidentUpdated(Guid.NewGuid(), 12, "Investigating", "SEV1", IncidentUpdated.OpenedWhat, "Checkout failures above 5 %");
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Open incident #12" });

        // The circuit subscribes just after its first render; publishing again is harmless (one snackbar per incident).
        await Poll.UntilAsync(async () =>
        {
            app.Service<LiveEvents>().Publish(opened);
            return await link.IsVisibleAsync();
        }, visible => visible, TimeSpan.FromSeconds(30), "the incident snackbar");
        await Expect(page.GetByTestId("incident-snackbar")).ToContainTextAsync("SEV1 incident #12 opened: Checkout failures above 5 %");
        await Expect(page.GetByTestId("incident-snackbar")).ToHaveCountAsync(1);

        // The incident page is routed in the browser (no request for it): the address shows where the link went.
        await link.ClickAsync();

        await page.WaitForURLAsync(new Regex("/incidents/12$"));
        Assert.Equal(new Uri(app.BaseUrl, "/incidents/12"), new Uri(page.Url));
    }
}
