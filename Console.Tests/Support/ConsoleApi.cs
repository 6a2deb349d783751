using System.Net;
using System.Text.Json;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Tests.Support;

/// <summary>The console's HTTP API as a pipeline or a checkout service calls it: a client with an API key, and the problem details it answers with.</summary>
public static class ConsoleApi
{
    public const string KeyHeader = "X-Api-Key";

    /// <summary>A client that sends <paramref name="key"/> with every request.</summary>
    public static HttpClient ApiClient(this ConsoleApp app, string key)
    {
        var client = new HttpClient { BaseAddress = app.BaseUrl };
        client.DefaultRequestHeaders.Add(KeyHeader, key);
        return client;
    }

    /// <summary>A new key with these scopes, named <paramref name="keyPrefix"/> plus a unique suffix.</summary>
    public static async Task<string> NewKeyAsync(this ConsoleApp app, string keyPrefix, params string[] scopes) =>
        (await app.Service<ApiKeyService>().CreateAsync(Actor.System, $"{keyPrefix}-{Guid.NewGuid():N}", scopes)).Key;

    /// <summary>A client with a new key of these scopes.</summary>
    public static async Task<HttpClient> ApiClientAsync(this ConsoleApp app, string keyPrefix, params string[] scopes) =>
        app.ApiClient(await app.NewKeyAsync(keyPrefix, scopes));

    /// <summary>Asserts the answer is problem details with this status, and returns them.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
