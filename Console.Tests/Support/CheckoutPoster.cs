using System.Net;
using System.Text;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Tests.Support;

/// <summary>Posts checkout events over HTTP with an events:write key, as a checkout service would.</summary>
public sealed class CheckoutPoster(HttpClient client) : IDisposable
{
    public static async Task<CheckoutPoster> CreateAsync(ConsoleApp app) =>
        new(await app.ApiClientAsync("checkout", ApiScopes.EventsWrite));

    public async Task PostAsync(params Dictionary<string, object?>[] events)
    {
        using var response = await client.PostAsync("/api/v1/checkout-events",
            new StringContent(CheckoutBatches.Json(events), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public void Dispose() => client.Dispose();
}
