using System.Net;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class SignInRateLimitTests(PostgresClusterFixture postgres)
{
    [Fact]
    public async Task SignInPosts_OverTheLimit_GetAPlain429WithRetryAfter_WhileThePageStillLoads()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Authentication:SignInPermitLimit"] = "3",
            ["Authentication:SignInWindow"] = "00:10:00",
        };
        await using var app = new ConsoleApp(await postgres.CreateStoreAsync("ratelimit"), settings);
        using var client = new FormClient(app.BaseUrl);

        var allowed = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
            allowed.Add((await client.SignInAsync($"guess-{attempt}", "not-a-password")).StatusCode);
        var refused = await client.SignInAsync("admin", ConsoleApp.AdminPassword);
        var page = await client.Http.GetAsync("/account/login");

        Assert.All(allowed, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Assert.Equal("text/plain", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain(refused.Headers, h => h.Key == "Set-Cookie");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
