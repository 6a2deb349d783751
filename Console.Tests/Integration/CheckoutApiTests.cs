using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Support.ConsoleApi;

namespace OpsConsole.Tests.Integration;

/// <summary>POST /api/v1/checkout-events over HTTP: stored once, refused whole with the bad field named, keys and limits.</summary>
public sealed class CheckoutApiTests(ConsoleAppFixture fixture, PostgresClusterFixture postgres) : IClassFixture<ConsoleAppFixture>
{
    private const string Path = "/api/v1/checkout-events";

    [Fact]
    public async Task AValidBatch_IsStoredOnce_EvenWhenSentTwice()
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var service = NewService();
        var body = CheckoutBatches.Json(service, 3);

        using var first = await PostAsync(client, body);
        using var again = await PostAsync(client, body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal((3, 3, 0), await CountsAsync(first));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal((3, 0, 3), await CountsAsync(again));
        Assert.Equal(3, await CountStoredAsync(service));
    }

    [Fact]
    public async Task ABatchPartlyStoredBefore_StoresOnlyItsNewEvents()
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var service = NewService();
        var earlier = Enumerable.Range(0, 3).Select(_ => CheckoutBatches.Event(service)).ToList();
        using var first = await PostAsync(client, CheckoutBatches.Json(earlier));

        using var response = await PostAsync(client, CheckoutBatches.Json([.. earlier, CheckoutBatches.Event(service), CheckoutBatches.Event(service)]));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal((5, 2, 3), await CountsAsync(response));
        Assert.Equal(5, await CountStoredAsync(service));
    }

    [Fact]
    public async Task AnIdRepeatedWithinTheBatch_IsStoredOnce_AndCountedAsADuplicate()
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var service = NewService();

        using var response = await PostAsync(client, CheckoutBatches.Json(
            [CheckoutBatches.Event(service, eventId: $"{service}-a"), CheckoutBatches.Event(service, eventId: $"{service}-a"), CheckoutBatches.Event(service)]));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal((3, 2, 1), await CountsAsync(response));
        Assert.Equal(2, await CountStoredAsync(service));
    }

    [Fact]
    public async Task TheOptionalFields_MayBeLeftOut_AndServiceDefaultsToCheckout()
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var id = $"minimal-{Guid.NewGuid():N}";

        using var response = await PostAsync(client,
            $$"""[{"eventId":"{{id}}","occurredAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}","outcome":"failed","errorClass":"db_deadlock","latencyMs":1200}]""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        var stored = await db.CheckoutEvents.SingleAsync(e => e.EventId == id);
        Assert.Equal(("checkout", "db_deadlock", 1200.0, null), (stored.Service, stored.ErrorClass, stored.LatencyMs, stored.Amount));
    }

    public static TheoryData<string, Func<string, string>, string> BadBatches() => new()
    {
        { "unknown field", s => Spoil(s, e => e["approvedBy"] = "me"), "[0].approvedBy" },
        { "wrong type", s => Spoil(s, e => e["latencyMs"] = "fast"), "[0].latencyMs" },
        { "missing eventId", s => Spoil(s, e => e.Remove("eventId")), "[0].eventId" },
        { "empty eventId", s => Spoil(s, e => e["eventId"] = ""), "[0].eventId" },
        { "eventId too long", s => Spoil(s, e => e["eventId"] = new string('x', 201)), "[0].eventId" },
        { "missing occurredAt", s => Spoil(s, e => e.Remove("occurredAt")), "[0].occurredAt" },
        { "missing outcome", s => Spoil(s, e => e["outcome"] = null), "[0].outcome" },
        { "missing latencyMs", s => Spoil(s, e => e.Remove("latencyMs")), "[0].latencyMs" },
        { "time without offset", s => Spoil(s, e => e["occurredAt"] = DateTime.UtcNow.AddSeconds(-5).ToString("yyyy-MM-ddTHH:mm:ss.fff")), "[0].occurredAt" },
        { "time not a time", s => Spoil(s, e => e["occurredAt"] = "yesterday"), "[0].occurredAt" },
        { "time far in the future", s => Spoil(s, e => e["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(30).ToString("O"), index: 1), "[1].occurredAt" },
        { "time absurdly old", s => Spoil(s, e => e["occurredAt"] = DateTimeOffset.UtcNow.AddDays(-30).ToString("O")), "[0].occurredAt" },
        { "unknown outcome", s => Spoil(s, e => e["outcome"] = "ok"), "[0].outcome" },
        { "failed without errorClass", s => Spoil(s, e => e["outcome"] = "failed"), "[0].errorClass" },
        { "unknown errorClass", s => Spoil(s, e => (e["outcome"], e["errorClass"]) = ("failed", "gremlins")), "[0].errorClass" },
        { "succeeded with errorClass", s => Spoil(s, e => e["errorClass"] = "db_deadlock"), "[0].errorClass" },
        { "negative latency", s => Spoil(s, e => e["latencyMs"] = -1), "[0].latencyMs" },
        { "latency beyond the bound", s => Spoil(s, e => e["latencyMs"] = 10_000_000), "[0].latencyMs" },
        { "negative amount", s => Spoil(s, e => e["amount"] = -5), "[0].amount" },
        { "bad currency", s => Spoil(s, e => e["currency"] = "euro"), "[0].currency" },
        { "an event that is not an object", s => $"[{CheckoutBatches.Json(s, 1)[1..^1]}, 42]", "[1]" },
        { "only the last of fifty bad", s => Spoil(s, e => e["occurredAt"] = "2026-11-25 20:00", count: 50, index: 49), "[49].occurredAt" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task ABadEvent_RefusesTheWholeBatch_NamingTheField(string what, Func<string, string> body, string field)
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var service = NewService();

        using var response = await PostAsync(client, body(service));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"{what}: the problem should name '{field}', but was {problem}");
        Assert.Equal(0, await CountStoredAsync(service));
    }

    [Theory]
    [InlineData("[{\"eventId\": \"a\",\n \"outcome\" \"failed\"}]", "line 2")]
    [InlineData("{\"eventId\": \"a\"}", "array")]
    [InlineData("[]", "empty")]
    [InlineData("[{\"eventId\": \"a\"}] trailing", "")]
    public async Task ABodyThatIsNoBatch_Is400(string body, string detailMentions)
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);

        using var response = await PostAsync(client, body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detailMentions, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task NotJson_Is415()
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);

        using var response = await client.PostAsync(Path, new StringContent(CheckoutBatches.Json(NewService(), 1), Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task NoKey_Is401()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.BaseUrl };
        var service = NewService();

        using var response = await PostAsync(client, CheckoutBatches.Json(service, 1));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await CountStoredAsync(service));
    }

    [Fact]
    public async Task ARevokedKey_Is401()
    {
        var keys = fixture.App.Service<ApiKeyService>();
        var key = await keys.CreateAsync(Actor.System, $"revoked-{Guid.NewGuid():N}", [ApiScopes.EventsWrite]);
        await keys.RevokeAsync(Actor.System, key.Id);
        using var client = Client(key.Key);
        var service = NewService();

        using var response = await PostAsync(client, CheckoutBatches.Json(service, 1));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await CountStoredAsync(service));
    }

    [Fact]
    public async Task AKeyWithoutEventsWrite_Is403()
    {
        using var client = await ClientAsync(ApiScopes.ChangesWrite, ApiScopes.Read);
        var service = NewService();

        using var response = await PostAsync(client, CheckoutBatches.Json(service, 1));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("events:write", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await CountStoredAsync(service));
    }

    [Fact]
    public async Task MoreEventsThanTheLimit_Is413_AndStoresNothing()
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var service = NewService();

        using var response = await PostAsync(client, CheckoutBatches.Json(service, 5001));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await CountStoredAsync(service));
    }

    [Fact]
    public async Task MoreBytesThanTheLimit_Is413()
    {
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var oversized = CheckoutBatches.Event(NewService());
        // Half as much again as the cap: within what the server reads and drops after its 413 (twice the cap).
        oversized["region"] = new string('r', 1_600_000);
        var body = CheckoutBatches.Json([oversized]);

        using var chunked = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            // No Content-Length: the cap must hold while reading too, not only by the header.
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) { Headers = { ContentType = new("application/json") } },
        };
        chunked.Headers.TransferEncodingChunked = true;
        using var withLength = await PostAsync(client, body);
        using var withoutLength = await client.SendAsync(chunked);

        await AssertProblemAsync(withLength, HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(withoutLength, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AnOversizedBodySentWhole_IsAnswered413_AndItsConnectionServesTheNextBatch()
    {
        // As curl and most clients do: the whole body is written before the answer is read, on a connection kept alive.
        // The server reads and drops the rest after its 413, rather than closing on it (a reset the client may take for
        // the answer, and a new connection for every refused batch).
        using var client = await ClientAsync(ApiScopes.EventsWrite);
        var service = NewService();
        var oversized = CheckoutBatches.Event(service);
        oversized["region"] = new string('r', 1_600_000);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(client.BaseAddress!.Host, client.BaseAddress.Port);
        var connection = new RawHttpConnection(tcp.GetStream(), client.BaseAddress.Authority,
            $"{KeyHeader}: {client.DefaultRequestHeaders.GetValues(KeyHeader).Single()}");

        var refused = await connection.PostChunkedAsync(Path, Encoding.UTF8.GetBytes(CheckoutBatches.Json([oversized])));
        var accepted = await connection.PostChunkedAsync(Path, Encoding.UTF8.GetBytes(CheckoutBatches.Json(service, 2)));

        Assert.Equal(413, refused.Status);
        Assert.Contains("Batch too large", refused.Body);
        Assert.Equal(202, accepted.Status);
        Assert.Equal(2, await CountStoredAsync(service));
    }

    [Fact]
    public async Task WhenEverySlotIsBusy_ABatchIs429_WithRetryAfter_AndTheHeldBatchStillLands()
    {
        var store = await postgres.CreateStoreAsync("ingest_overload");
        await using var app = new ConsoleApp(store, new Dictionary<string, string?>
        {
            ["Ingest:MaxConcurrentBatches"] = "1", ["Ingest:QueueWait"] = "00:00:00.200", ["Ingest:RetryAfter"] = "00:00:03",
        });
        var key = await app.Service<ApiKeyService>().CreateAsync(Actor.System, "overload", [ApiScopes.EventsWrite]);
        using var client = app.ApiClient(key.Key);
        var service = NewService();

        // The store stalls: a lock on checkout_events holds the one slot's batch inside its transaction.
        await using var blocker = new NpgsqlConnection(store);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE checkout_events IN SHARE ROW EXCLUSIVE MODE", blocker, hold).ExecuteNonQueryAsync();
        var held = PostAsync(client, CheckoutBatches.Json(service, 2));
        await Poll.UntilAsync(() => WaitingIngestsAsync(store), n => n == 1, TimeSpan.FromSeconds(20), "the held batch to wait on the lock");

        using var refused = await PostAsync(client, CheckoutBatches.Json(service, 3));

        var problem = await AssertProblemAsync(refused, (HttpStatusCode)429);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("try again", problem.GetProperty("detail").GetString());
        await hold.RollbackAsync();
        using var landed = await held;
        Assert.Equal(HttpStatusCode.Accepted, landed.StatusCode);
        await using var db = PostgresClusterFixture.ContextFor(store);
        Assert.Equal(2, await db.CheckoutEvents.CountAsync(e => e.Service == service));
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesTheIngest()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.BaseUrl };

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var post = document.GetProperty("paths").GetProperty(Path).GetProperty("post");
        Assert.Equal("IngestCheckoutEvents", post.GetProperty("operationId").GetString());
        var schema = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("array", schema.GetProperty("type").GetString());
        Assert.True(post.GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("429", out _));
        var items = schema.GetProperty("items");
        if (items.TryGetProperty("$ref", out var reference))
            items = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        Assert.Superset(new HashSet<string> { "eventId", "occurredAt", "outcome", "errorClass", "latencyMs", "amount", "currency", "service" },
            items.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet());
    }

    private static string Spoil(string service, Action<Dictionary<string, object?>> spoil, int count = 2, int index = 0)
    {
        var events = Enumerable.Range(0, count).Select(_ => CheckoutBatches.Event(service)).ToList();
        spoil(events[index]);
        return CheckoutBatches.Json(events);
    }

    private static string NewService() => $"svc-{Guid.NewGuid():N}"[..20];

    /// <summary>On a connection of its own: inside a transaction, pg_stat_activity would show the same snapshot every time.</summary>
    private static async Task<int> WaitingIngestsAsync(string store)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'opsconsole-ingest' AND wait_event_type = 'Lock'", connection);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    private Task<HttpClient> ClientAsync(params string[] scopes) => fixture.App.ApiClientAsync("checkout", scopes);

    private HttpClient Client(string key) => fixture.App.ApiClient(key);

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json) =>
        client.PostAsync(Path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<(int Accepted, int Stored, int Duplicates)> CountsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("accepted").GetInt32(), body.GetProperty("stored").GetInt32(), body.GetProperty("duplicates").GetInt32());
    }

    private async Task<int> CountStoredAsync(string service)
    {
        await using var db = PostgresClusterFixture.ContextFor(fixture.ConnectionString);
        return await db.CheckoutEvents.CountAsync(e => e.Service == service);
    }
}
