using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpsConsole.Domain;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Notifications;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The incident webhook against a real HTTP receiver on loopback, which the settings list by its exact address (as an
/// operator would list an internal chat relay). Only the notification services run: no store is needed.
/// </summary>
public sealed class IncidentWebhookTests : IAsyncDisposable
{
    private const string Secret = "incident-webhook-tests-secret-0123456789";
    private IHost? host;

    private static IncidentNotice Notice(int number = 42, IncidentHappening what = IncidentHappening.Opened) =>
        new(Guid.NewGuid(), number, "Checkout failures above 5 %", "SEV1", "Investigating", "checkout", "shop", what, DateTimeOffset.UtcNow);

    private async Task<IServiceProvider> StartAsync(string url, string allowedHost = "127.0.0.1", int attempts = 3, string timeout = "00:00:05")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Incidents:PublicBaseUrl"] = "https://ops.example.com",
            ["Incidents:Webhook:Url"] = url,
            ["Incidents:Webhook:Secret"] = Secret,
            ["Incidents:Webhook:AllowedHosts:0"] = allowedHost,
            ["Incidents:Webhook:Attempts"] = attempts.ToString(),
            ["Incidents:Webhook:Timeout"] = timeout,
            ["Incidents:Webhook:RetryDelay"] = "00:00:00.050",
        });
        builder.Services.AddSingleton(TimeProvider.System).AddLogging().AddIncidentNotifications()
            .AddValidatedOptions<IncidentOptions>(IncidentOptions.Section); // the link base is AddIncidents' option
        host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host.Services;
    }

    public async ValueTask DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static void AssertSigned(NoticeCall call)
    {
        var expected = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret),
            Encoding.UTF8.GetBytes($"{call.Timestamp}.{call.Delivery}.{call.Body}"))).ToLowerInvariant();
        Assert.Equal(expected, call.Signature);
        var sent = DateTimeOffset.FromUnixTimeSeconds(long.Parse(call.Timestamp!));
        Assert.InRange(sent, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task AQueuedNotice_IsPosted_WithABodyAndSignatureThatVerify()
    {
        using var receiver = new NoticeReceiver();
        var services = await StartAsync(receiver.Url);

        Assert.True(services.GetRequiredService<IncidentNotifications>().Enqueue(Notice()));

        var calls = await Poll.UntilAsync(() => Task.FromResult(receiver.Calls), c => c.Count >= 1, TimeSpan.FromSeconds(30), "the notice");
        var call = Assert.Single(calls);
        AssertSigned(call);
        Assert.True(Guid.TryParse(call.Delivery, out _), $"delivery id: {call.Delivery}");
        Assert.Equal("incident.opened", call.Event);
        Assert.StartsWith("application/json", call.ContentType);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal(42, body.RootElement.GetProperty("incident").GetProperty("number").GetInt32());
        Assert.Equal("https://ops.example.com/incidents/42", body.RootElement.GetProperty("incident").GetProperty("url").GetString());
        Assert.Contains("<https://ops.example.com/incidents/42|Checkout failures above 5 %>", body.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A500_IsRetried_ThenDelivered_AsOneDeliverySignedPerTry()
    {
        using var receiver = new NoticeReceiver([500, 502]);
        var services = await StartAsync(receiver.Url, attempts: 4);

        var outcome = await services.GetRequiredService<IncidentWebhook>().SendAsync(Notice(), TestContext.Current.CancellationToken);

        Assert.Equal(new IncidentWebhookOutcome(IncidentWebhookResult.Delivered, 200), outcome);
        var calls = receiver.Calls;
        Assert.Equal(3, calls.Count);
        Assert.Single(calls.Select(c => c.Delivery).Distinct());
        Assert.Single(calls.Select(c => c.Body).Distinct());
        Assert.All(calls, AssertSigned);
    }

    [Fact]
    public async Task A5xxOnEveryTry_IsRejected_AfterTheConfiguredAttempts()
    {
        using var receiver = new NoticeReceiver([503, 503, 503, 503]);
        var services = await StartAsync(receiver.Url, attempts: 3);

        var outcome = await services.GetRequiredService<IncidentWebhook>().SendAsync(Notice(), TestContext.Current.CancellationToken);

        Assert.Equal(new IncidentWebhookOutcome(IncidentWebhookResult.Rejected, 503), outcome);
        Assert.Equal(3, receiver.Calls.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(429)]
    public async Task A4xx_IsNotRetried(int status)
    {
        using var receiver = new NoticeReceiver([status]);
        var services = await StartAsync(receiver.Url, attempts: 4);

        var outcome = await services.GetRequiredService<IncidentWebhook>().SendAsync(Notice(), TestContext.Current.CancellationToken);

        Assert.Equal(new IncidentWebhookOutcome(IncidentWebhookResult.Rejected, status), outcome);
        Assert.Single(receiver.Calls);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/notices/")]
    [InlineData("http://localhost:{port}/notices/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.5/hook")]
    public async Task APrivateAddress_AllowedOnlyByAWildcard_IsRefused_AndNothingIsSent(string url)
    {
        using var receiver = new NoticeReceiver();
        var services = await StartAsync(url.Replace("{port}", receiver.Port.ToString()), allowedHost: "*", attempts: 4);

        var outcome = await services.GetRequiredService<IncidentWebhook>().SendAsync(Notice(), TestContext.Current.CancellationToken);

        Assert.Equal(new IncidentWebhookOutcome(IncidentWebhookResult.NotAllowed), outcome);
        Assert.Empty(receiver.Calls);
    }

    [Fact]
    public async Task AReceiverThatNeverAnswers_TimesOutOnEachTry()
    {
        using var receiver = new NoticeReceiver(hang: true);
        var services = await StartAsync(receiver.Url, attempts: 2, timeout: "00:00:00.500");

        var outcome = await services.GetRequiredService<IncidentWebhook>().SendAsync(Notice(), TestContext.Current.CancellationToken);

        Assert.Equal(new IncidentWebhookOutcome(IncidentWebhookResult.Unreachable), outcome);
        Assert.Equal(2, receiver.Calls.Count);
    }

    [Fact]
    public async Task ADeadReceiver_NeverBlocksEnqueue_AndLaterNoticesStillGoOut()
    {
        var port = ConsoleProcess.FreePort();
        var services = await StartAsync($"http://127.0.0.1:{port}/notices/", attempts: 3);
        var notifications = services.GetRequiredService<IncidentNotifications>();

        // A dead receiver hangs up on every connection without a word: the sender retries, gives up and goes on, and no
        // caller waits for any of it. The HTTP receiver starts only once all three tries are over: an HttpListener that
        // takes a connection while it starts can crash (ArgumentNullException in HttpEndPointListener), as it once did here.
        var dead = new TcpListener(IPAddress.Loopback, port);
        dead.Start();
        var hungUp = 0;
        var hangingUp = Task.Run(async () =>
        {
            while (true)
            {
                try { using var client = await dead.AcceptTcpClientAsync(); client.Client.LingerState = new LingerOption(true, 0); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                Interlocked.Increment(ref hungUp);
            }
        });
        Assert.True(notifications.Enqueue(Notice(1)));
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref hungUp)), n => n >= 3, TimeSpan.FromSeconds(30), "the first notice's three tries");
        dead.Stop();
        await hangingUp;
        using var receiver = new NoticeReceiver(port: port);
        Assert.True(notifications.Enqueue(Notice(2)));

        var calls = await Poll.UntilAsync(() => Task.FromResult(receiver.Calls), c => c.Any(call => call.Body.Contains("\"number\":2")),
            TimeSpan.FromSeconds(30), "the second notice");
        Assert.All(calls, AssertSigned);
    }

    [Fact]
    public async Task AStuckReceiver_FillsTheQueue_AndEnqueueThenDrops_WithoutWaiting()
    {
        using var receiver = new NoticeReceiver(hang: true);
        var services = await StartAsync(receiver.Url, attempts: 1, timeout: "00:05:00");
        var notifications = services.GetRequiredService<IncidentNotifications>();
        Assert.True(notifications.Enqueue(Notice(0)));
        await Poll.UntilAsync(() => Task.FromResult(receiver.Calls.Count), n => n == 1, TimeSpan.FromSeconds(30), "the first notice to reach the stuck receiver");

        var accepted = Enumerable.Range(1, IncidentNotifications.Capacity + 5).Count(n => notifications.Enqueue(Notice(n)));

        Assert.Equal(IncidentNotifications.Capacity, accepted);
        // Stopping does not wait out the 5-minute try: the sender gives up its notice when the console stops.
        var stopping = Stopwatch.StartNew();
        await host!.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(stopping.Elapsed < TimeSpan.FromMinutes(1), $"stopping took {stopping.Elapsed}");
    }

    [Fact]
    public async Task WithoutAUrl_NothingIsQueued_OrSent()
    {
        var services = await StartAsync("");

        Assert.False(services.GetRequiredService<IncidentNotifications>().Enqueue(Notice()));
        Assert.Equal(new IncidentWebhookOutcome(IncidentWebhookResult.Off),
            await services.GetRequiredService<IncidentWebhook>().SendAsync(Notice(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AUrlOnAHostThatIsNotAllowed_StopsTheStart_NamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync("https://hooks.slack.com/services/x", allowedHost: "deploy.example.com"));

        Assert.Contains("Incidents:Webhook:AllowedHosts", failure.Message);
    }
}
