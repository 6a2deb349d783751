using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Notifications;

namespace OpsConsole.Tests.Domain;

public sealed class IncidentWebhookOptionsTests
{
    private const string Secret = "a-long-random-secret-shared-with-the-receiver";

    private static IncidentWebhookOptions With(string url, params string[] hosts) => new() { Url = url, Secret = Secret, AllowedHosts = [.. hosts] };

    [Fact]
    public void NoUrl_IsNoWebhook_AndValid() => Assert.Null(new IncidentWebhookOptions().Problem());

    [Theory]
    [InlineData("https://hooks.slack.com/services/T0/B0/x", "hooks.slack.com")]
    [InlineData("https://hooks.slack.com/services/T0/B0/x", "*.slack.com")]
    [InlineData("http://10.0.4.7:8080/notify", "10.0.4.7")]
    [InlineData("https://anywhere.example.org/x", "*")]
    public void AUrlWhoseHostIsAllowed_IsValid(string url, string host) => Assert.Null(With(url, host).Problem());

    [Theory]
    [InlineData("https://hooks.slack.com/x", new string[0], "Incidents:Webhook:AllowedHosts")]
    [InlineData("https://hooks.slack.com/x", new[] { "deploy.example.com" }, "Incidents:Webhook:AllowedHosts")]
    [InlineData("ftp://hooks.slack.com/x", new[] { "*" }, "Incidents:Webhook:Url")]
    [InlineData("hooks.slack.com/x", new[] { "*" }, "Incidents:Webhook:Url")]
    [InlineData("https://user:pw@hooks.slack.com/x", new[] { "*" }, "Incidents:Webhook:Url")]
    [InlineData("https://hooks.slack.com/x", new[] { "bad host!" }, "Incidents:Webhook:AllowedHosts")]
    public void ABadUrlOrHostList_IsRefused_NamingTheSetting(string url, string[] hosts, string setting) =>
        Assert.StartsWith(setting, With(url, hosts).Problem());

    [Fact]
    public void AShortSecret_IsRefused_WhenThereIsAUrl()
    {
        var options = With("https://hooks.slack.com/x", "hooks.slack.com");
        options.Secret = "short";

        Assert.StartsWith("Incidents:Webhook:Secret", options.Problem());
    }

    [Theory]
    [InlineData(0, 10, "Incidents:Webhook:Attempts")]
    [InlineData(11, 10, "Incidents:Webhook:Attempts")]
    [InlineData(3, 0, "Incidents:Webhook:Timeout")]
    public void AttemptsAndTimeout_AreBounded(int attempts, int timeoutSeconds, string setting)
    {
        var options = new IncidentWebhookOptions { Attempts = attempts, Timeout = TimeSpan.FromSeconds(timeoutSeconds) };

        Assert.StartsWith(setting, options.Problem());
    }

    [Theory]
    [InlineData("ops.example.com")]
    [InlineData("https://ops.example.com?x=1")]
    [InlineData("ftp://ops.example.com")]
    public void APublicBaseUrl_ThatIsNotAnAbsoluteHttpUrl_IsRefused(string url) =>
        Assert.StartsWith("Incidents:PublicBaseUrl", new IncidentOptions { PublicBaseUrl = url }.Problem());
}
