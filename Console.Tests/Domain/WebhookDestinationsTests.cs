using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Tests.Domain;

public sealed class WebhookDestinationsTests
{
    private static WebhookDestinations With(params string[] hosts) => new(Options.Create(new RollbackOptions { WebhookAllowedHosts = [.. hosts] }));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public void InternalAddresses_AreInternal(string address) => Assert.True(WebhookDestinations.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddresses_AreNot(string address) => Assert.False(WebhookDestinations.IsInternal(IPAddress.Parse(address)));

    [Fact]
    public void AWildcard_MatchesSubdomainsOnly_AndOnlyAnExactEntryIsListedByName()
    {
        var destinations = With("deploy.example.com", "*.hooks.example.com");

        Assert.True(destinations.IsAllowedHost("DEPLOY.example.com"));
        Assert.True(destinations.IsAllowedHost("a.hooks.example.com"));
        Assert.False(destinations.IsAllowedHost("hooks.example.com"));
        Assert.False(destinations.IsAllowedHost("evilhooks.example.com"));
        Assert.False(destinations.IsAllowedHost("deploy.example.com.evil.net"));
        Assert.True(destinations.IsListedExactly("deploy.example.com"));
        Assert.False(destinations.IsListedExactly("a.hooks.example.com"));
    }

    [Theory]
    [InlineData("ftp://deploy.example.com/x", "absolute http(s) URL")]
    [InlineData("javascript:alert(1)", "absolute http(s) URL")]
    [InlineData("https://user:pw@deploy.example.com/x", "user name or password")]
    [InlineData("https://other.example.com/x", "not among the allowed webhook hosts")]
    public void AUrl_ThatMayNotBeCalled_HasAProblem(string url, string expected) =>
        Assert.Contains(expected, With("deploy.example.com").Problem(url));

    [Fact]
    public void WithNoAllowedHosts_WebhooksAreOff() =>
        Assert.Contains("Rollback webhooks are off", With().Problem("https://deploy.example.com/x"));

    [Theory]
    [InlineData(0, "at least 32 characters")]
    [InlineData(31, "at least 32 characters")]
    [InlineData(32, null)]
    public void WebhooksOn_NeedASecretOf32Characters(int length, string? problem)
    {
        var options = new RollbackOptions { WebhookAllowedHosts = ["deploy.example.com"], WebhookSecret = new string('s', length) };

        if (problem is null)
            Assert.Null(options.Problem());
        else
            Assert.Contains(problem, options.Problem());
    }

    [Fact]
    public void WebhooksOff_NeedNoSecret_ButAllowingAHostAsksForOne()
    {
        var options = new RollbackOptions();
        Assert.Null(options.Problem());

        options.WebhookAllowedHosts = ["deploy.example.com"];

        Assert.Contains("at least 32 characters", options.Problem());
    }

    [Fact]
    public async Task AChangeWhoseHostIsNoLongerAllowed_IsRefusedAtSend_WithoutAnyCall()
    {
        var options = Options.Create(new RollbackOptions { WebhookAllowedHosts = ["deploy.example.com"], WebhookSecret = new string('s', 40) });
        var webhook = new RollbackWebhook(new NoClients(), new WebhookDestinations(options), options, TimeProvider.System, NullLogger<RollbackWebhook>.Instance);
        var author = new Actor("u1", "dba1", [Roles.Dba]);
        var change = ConfigChange.ForExternal(Guid.NewGuid(), new ChangeDetails("Flag", "Launch", null, ChangeRisk.Low, null), "Flag on", "Flag off",
            "http://169.254.169.254/latest/meta-data/", author, DateTimeOffset.UtcNow);

        var refused = await Assert.ThrowsAsync<RollbackWebhookException>(() => webhook.CallAsync(change, author, "undo", CancellationToken.None));

        Assert.Equal(WebhookDestinations.NotAllowedMessage, refused.Message);
    }

    private sealed class NoClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("No call may be made.");
    }
}
