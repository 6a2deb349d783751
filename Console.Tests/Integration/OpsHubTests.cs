using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hubs;

namespace OpsConsole.Tests.Integration;

/// <summary>/hubs/ops: a client with a read key hears what the API stored; without a valid key it is refused at negotiate.</summary>
public sealed class OpsHubTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AClientWithAReadKey_HearsTheStoredBatch_AndTheHealthTickCountingIt()
    {
        await using var client = await HubClient.ConnectAsync(fixture.App.BaseUrl, await KeyAsync(ApiScopes.Read));
        var latest = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-3).ToUnixTimeMilliseconds() - Random.Shared.Next(1000));

        await PostEventsAsync(3, latest);

        var stored = await Poll.UntilAsync(() => Task.FromResult(client.Payloads(OpsHubForwarder.CheckoutEventsStored).ToList()),
            s => s.Any(p => p.GetProperty("latest").GetDateTimeOffset() == latest), Wait, "checkoutEventsStored");
        Assert.Equal(3, stored.Single(p => p.GetProperty("latest").GetDateTimeOffset() == latest).GetProperty("count").GetInt32());
        await Poll.UntilAsync(() => Task.FromResult(client.Payloads(OpsHubForwarder.HealthTick).Sum(t => t.GetProperty("attempts").GetInt64())),
            attempts => attempts >= 3, Wait, "health ticks counting the batch");
        var tick = client.Payloads(OpsHubForwarder.HealthTick).First(t => t.GetProperty("attempts").GetInt64() > 0);
        Assert.True(tick.TryGetProperty("p95Ms", out _) && tick.TryGetProperty("failuresByClass", out _) && tick.TryGetProperty("second", out _));
    }

    [Fact]
    public async Task WithoutAKey_NegotiateAnswers401()
    {
        using var http = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        using var response = await http.PostAsync($"{OpsHub.Path}/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        await using var connection = HubClient.Build(fixture.App.BaseUrl, apiKey: null);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task ARevokedKey_IsRefused()
    {
        var keys = fixture.App.Service<ApiKeyService>();
        var key = await keys.CreateAsync(Actor.System, $"wall-{Guid.NewGuid():N}", [ApiScopes.Read]);
        await keys.RevokeAsync(Actor.System, key.Id);

        await using var connection = HubClient.Build(fixture.App.BaseUrl, key.Key);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task AKeyWithoutTheReadScope_IsForbidden()
    {
        await using var connection = HubClient.Build(fixture.App.BaseUrl, await KeyAsync(ApiScopes.EventsWrite));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task ABrowserStyleClient_MaySendTheKeyAsAccessToken_OnTheHubOnly()
    {
        var key = await KeyAsync(ApiScopes.Read);
        using var http = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        using var hub = await http.PostAsync($"{OpsHub.Path}/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(key)}", null);
        using var api = await http.GetAsync($"/api/v1/changes?access_token={Uri.EscapeDataString(key)}");

        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    private async Task<string> KeyAsync(string scope) =>
        (await fixture.App.Service<ApiKeyService>().CreateAsync(Actor.System, $"hub-{scope}-{Guid.NewGuid():N}", [scope])).Key;

    private async Task PostEventsAsync(int count, DateTimeOffset latest)
    {
        using var http = fixture.App.ApiClient(await KeyAsync(ApiScopes.EventsWrite));
        var events = Enumerable.Range(0, count).Select(i => CheckoutBatches.Event("hub-test", occurredAt: latest.AddMilliseconds(-i))).ToList();
        using var response = await http.PostAsync("/api/v1/checkout-events",
            new StringContent(CheckoutBatches.Json(events), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
