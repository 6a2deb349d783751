using OpsConsole.Domain.Incidents;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using Polly;
using Polly.Timeout;
using OpsConsole.Domain.Incidents.Notifications;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Tests.Domain;

public sealed class IncidentWebhookMessageTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 14, 14, 12, 30, TimeSpan.Zero);

    private static IncidentNotice Notice(IncidentHappening what = IncidentHappening.Opened, string title = "Checkout failures above 5 %",
        string? previous = null, string status = "Investigating") =>
        new(Guid.Parse("8a6e0f1e-54a4-4f51-9d1b-3d0c1c2b8e11"), 42, title, "SEV1", status, "checkout", "shop", what, At, previous);

    [Fact]
    public void TheBody_CarriesTheIncident_TheEvent_AndAnAbsoluteLink()
    {
        using var body = JsonDocument.Parse(IncidentWebhookMessage.Body(Notice(), "https://ops.example.com/incidents/42"));
        var root = body.RootElement;
        var incident = root.GetProperty("incident");

        Assert.Equal("incident.opened", root.GetProperty("event").GetString());
        Assert.Equal(42, incident.GetProperty("number").GetInt32());
        Assert.Equal("8a6e0f1e-54a4-4f51-9d1b-3d0c1c2b8e11", incident.GetProperty("id").GetString());
        Assert.Equal("SEV1", incident.GetProperty("severity").GetString());
        Assert.Equal("Investigating", incident.GetProperty("status").GetString());
        Assert.Equal("checkout", incident.GetProperty("service").GetString());
        Assert.Equal("shop", incident.GetProperty("target").GetString());
        Assert.Equal("https://ops.example.com/incidents/42", incident.GetProperty("url").GetString());
        Assert.Equal(At, root.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("[SEV1] Incident #42 opened: <https://ops.example.com/incidents/42|Checkout failures above 5 %> (checkout on shop)",
            root.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(IncidentHappening.StatusChanged, "incident.status_changed")]
    [InlineData(IncidentHappening.Resolved, "incident.resolved")]
    public void TheEventName_SaysWhatHappened(IncidentHappening what, string name) => Assert.Equal(name, IncidentWebhookMessage.EventName(what));

    [Fact]
    public void AStatusChange_SaysFromWhatToWhat()
    {
        var text = IncidentWebhookMessage.Text(Notice(IncidentHappening.StatusChanged, previous: "Investigating", status: "Identified"), "https://ops.example.com/incidents/42");

        Assert.StartsWith("[SEV1] Incident #42 Investigating → Identified: ", text);
    }

    [Fact]
    public void ATitle_CannotBecomeALinkOrAMention_InSlack()
    {
        var text = IncidentWebhookMessage.Text(Notice(title: "<!channel> see <https://evil.example|here> & more"), "https://ops.example.com/incidents/42");

        Assert.Contains("|&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more>", text);
        Assert.DoesNotContain("<!channel>", text);
    }

    [Fact]
    public void ARelativeLink_IsLeftOutOfTheText_ButKeptInTheBody()
    {
        var json = IncidentWebhookMessage.Body(Notice(), "/incidents/42");
        using var body = JsonDocument.Parse(json);

        Assert.Equal("[SEV1] Incident #42 opened: Checkout failures above 5 % (checkout on shop)", body.RootElement.GetProperty("text").GetString());
        Assert.Equal("/incidents/42", body.RootElement.GetProperty("incident").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("", "/incidents/7")]
    [InlineData("https://ops.example.com", "https://ops.example.com/incidents/7")]
    [InlineData("https://ops.example.com/console/", "https://ops.example.com/console/incidents/7")]
    public void TheLink_IsBuiltFromThePublicBaseUrl(string baseUrl, string link) =>
        Assert.Equal(link, new IncidentOptions { PublicBaseUrl = baseUrl }.LinkTo(7));

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void OnlyA5xx_IsRetried_AmongAnswers(HttpStatusCode status, bool retried)
    {
        using var response = new HttpResponseMessage(status);

        Assert.Equal(retried, IncidentNotificationsRegistration.IsWorthRetrying(Outcome.FromResult(response)));
    }

    [Fact]
    public void ATimeoutOrNoConnection_IsRetried_ARefusedAddressIsNot()
    {
        Assert.True(IncidentNotificationsRegistration.IsWorthRetrying(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.True(IncidentNotificationsRegistration.IsWorthRetrying(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("connection refused"))));
        Assert.False(IncidentNotificationsRegistration.IsWorthRetrying(Outcome.FromException<HttpResponseMessage>(
            new HttpRequestException("refused", new WebhookAddressRefusedException("10.0.0.5")))));
    }
}
