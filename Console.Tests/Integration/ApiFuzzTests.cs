using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Random mutations of valid requests to every endpoint under /api and the audit export: whatever arrives, the answer
/// is never a 5xx, and a refused request (4xx) stored nothing. Seeded: a failure prints the seed and the request, and
/// OPS_FUZZ_SEED=&lt;seed&gt; replays the same sequence.
/// </summary>
public sealed class ApiFuzzTests(TargetFixture fixture, ITestOutputHelper output) : IClassFixture<TargetFixture>
{
    private const int Mutations = 1_200;

    [Fact]
    public async Task MutatedRequests_NeverAnswer5xx_AndARefusedOneStoresNothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OPS_FUZZ_SEED"), out var given) ? given : Random.Shared.Next();
        output.WriteLine($"Fuzz seed {seed} (replay with OPS_FUZZ_SEED={seed})");
        var random = new Random(seed);

        var keys = fixture.App.Service<ApiKeyService>();
        using var changes = Client((await keys.CreateAsync(Actor.System, "fuzz-changes", [ApiScopes.ChangesWrite, ApiScopes.Read])).Key);
        using var events = Client((await keys.CreateAsync(Actor.System, "fuzz-events", [ApiScopes.EventsWrite])).Key);
        using var signedIn = await SignedInAsync("viewer", TargetFixture.Password);
        var existing = await RegisterOneAsync(changes);
        // A reviewer's personal token on the draft above: every lifecycle step is refused (it is a draft, and not theirs),
        // so what is fuzzed is the reading of the body and the path, and the store must stay as it was.
        using var reviewer = Client((await fixture.App.Service<PersonalTokens>().CreateAsync(fixture.Dba2, "fuzz-reviewer",
            [ApiScopes.ChangesWrite, ApiScopes.ChangesReview, ApiScopes.ChangesApply])).Key);

        var requests = new List<Func<Random, (HttpClient, HttpRequestMessage, string)>>
        {
            r => Body(changes, "/api/v1/changes", Mutate(r, ChangeBodies[r.Next(ChangeBodies.Length)])),
            r => Body(events, "/api/v1/checkout-events", Mutate(r, EventBatch())),
            r => Query(changes, "/api/v1/changes", MutateQuery(r, ChangeListQuery)),
            r => Query(changes, $"/api/v1/changes/{MutateSegment(r, existing.ToString())}", []),
            r => Query(signedIn.Http, "/audit/export", MutateQuery(r, AuditQuery(existing))),
            r => Body(reviewer, $"/api/v1/changes/{existing}/{(r.Next(2) == 0 ? "approve" : "reject")}", Mutate(r, ReviewBody)),
            r => Body(reviewer, $"/api/v1/changes/{MutateSegment(r, existing.ToString())}/{(r.Next(2) == 0 ? "submit" : "apply")}", Mutate(r, "{}")),
        };

        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Mutations; i++)
        {
            var (client, request, shown) = requests[i % requests.Count](random);
            var before = await CountsAsync();
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var answer = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(status < 500, $"seed {seed}, request {i}: {status} for {shown}\n{Shorten(answer, 2000)}");
            if (status is >= 400 and < 500)
            {
                var after = await CountsAsync();
                Assert.True(before == after, $"seed {seed}, request {i}: {status} but the store changed {before} → {after} for {shown}");
            }
        }
        output.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        // The mutations must reach past the parsers: some requests are accepted, and most are refused.
        Assert.Contains(statuses.Keys, s => s is >= 200 and < 300);
        Assert.Contains(statuses.Keys, s => s == 400);
    }

    // ---- valid requests ----

    private static readonly string[] ChangeBodies =
    [
        """{"kind":"setting","targetName":"shop","title":"Raise lock_timeout","reason":"Fail fast","ticketUrl":"https://tickets.example.com/OPS-1","risk":"low","plannedAt":"2026-12-01T22:00:00Z","submitForReview":false,"parameter":"lock_timeout","value":"4s"}""",
        """{"kind":"sql","targetName":"shop","title":"Add an index","reason":"Slow lookups\nat peak","risk":"medium","forwardScript":"CREATE INDEX IF NOT EXISTS fuzz_i ON pg_class (oid);","rollbackScript":"DROP INDEX IF EXISTS fuzz_i;"}""",
        """{"kind":"external","targetName":"shop","title":"Pool size","reason":"Peak","risk":"high","description":"Raise the pool","rollbackSteps":"Lower it\nRedeploy","rollbackWebhookUrl":"http://127.0.0.1:9/hook"}""",
    ];

    private const string ReviewBody = """{"comment":"Looks right for the peak"}""";

    private static string EventBatch() => JsonSerializer.Serialize(new object[]
    {
        new { eventId = $"fuzz-{Guid.NewGuid():N}", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-3).ToString("O"), outcome = "succeeded", latencyMs = 120.5,
              amount = 19.99, currency = "EUR", region = "eu-west", service = "checkout", target = "shop" },
        new { eventId = $"fuzz-{Guid.NewGuid():N}", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("O"), outcome = "failed", errorClass = "db_deadlock",
              errorCode = "40P01", latencyMs = 1204 },
    });

    private static readonly (string, string)[] ChangeListQuery =
        [("target", "shop"), ("status", "in_review"), ("kind", "setting"), ("risk", "medium"), ("search", "deadlock"), ("skip", "0"), ("take", "10")];

    private static (string, string)[] AuditQuery(int change) =>
    [
        ("format", "json"), ("actor", "system"), ("action", "change.registered"), ("subject", $"change:{change}"), ("change", change.ToString()),
        ("outcome", "Succeeded"), ("from", "2026-01-01T00:00:00Z"), ("to", "2036-01-01T00:00:00Z"), ("search", "registered"),
    ];

    // ---- mutations ----

    /// <summary>Strings that have broken parsers, drivers and stores before; raw JSON text, spliced in where a value was.</summary>
    private static readonly string[] JsonValues =
    [
        "\"a\\u0000b\"", "\"\\u0000\"", "\"x\\u0001\\u001by\"", "\"\\u007f\\u0085\\u009f\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud83d\"", "\"\\ud83d\\ude00\"",
        "\"\\u2028\\u2029\"", "\"\\ufeff\"", "\"\\uffff\"", "\"line\\nbreak\\ttab\\r\"", "\"'; DROP TABLE config_changes; --\"", "\"<script>alert(1)</script>\"",
        "\"${jndi:ldap://x/a}\"", "\"%00\"", "\"../../../etc/passwd\"", "\"\\\" OR 1=1 --\"", "\"=HYPERLINK(\\\"http://x\\\")\"", "\"\"", "\" \"",
        "1e400", "-1e400", "99999999999999999999999999999999", "-0", "0.0000000000000000000000001", "1E+2", "NaN", "Infinity", "true", "false", "null",
        "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":{\"c\":1}}}", new string('[', 2000) + new string(']', 2000), "\"" + new string('x', 70_000) + "\"",
        "\"" + string.Concat(Enumerable.Repeat("\\u0000", 50)) + "\"", "\"2026-13-45T99:99:99Z\"", "\"2026-11-25T20:15:03\"", "\"Z\"",
    ];

    private static string Mutate(Random random, string json)
    {
        switch (random.Next(9))
        {
            case 0: return ReplaceValue(random, json);
            case 1: return ReplaceValue(random, ReplaceValue(random, json));
            case 2: return json[..random.Next(json.Length)]; // truncated
            case 3: return FlipBytes(random, json);
            case 4: return json.Insert(random.Next(json.Length), random.Next(2) == 0 ? "\\u0000" : ((char)random.Next(0, 32)).ToString());
            case 5:
                var start = random.Next(json.Length);
                return json.Remove(start, Math.Min(json.Length - start, random.Next(1, 20))); // deleted bytes
            case 6: return json.Insert(random.Next(json.Length), JsonValues[random.Next(JsonValues.Length)]);
            case 7: return json.Replace("{", "{\"" + (random.Next(2) == 0 ? "extra" : "title") + "\":" + JsonValues[random.Next(JsonValues.Length)] + ",");
            default: return new string('[', random.Next(10, 5000)) + json + new string(']', random.Next(0, 5000));
        }
    }

    /// <summary>One string, number, boolean or null somewhere in the document, replaced by a hostile value (or a key renamed).</summary>
    private static string ReplaceValue(Random random, string json)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException) { return json; }
        var leaves = new List<(JsonNode Parent, object Key)>();
        Collect(root!, leaves);
        if (leaves.Count == 0)
            return json;
        var (parent, key) = leaves[random.Next(leaves.Count)];
        const string marker = "\"__fuzz_marker__\"";
        if (parent is JsonObject o) o[(string)key] = "__fuzz_marker__";
        else ((JsonArray)parent)[(int)key] = "__fuzz_marker__";
        try { return root!.ToJsonString().Replace(marker, JsonValues[random.Next(JsonValues.Length)]); }
        catch (InvalidOperationException) { return json; } // a lone surrogate from an earlier mutation: the reader refuses to write it back
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> leaves)
    {
        if (node is JsonObject o)
            foreach (var (name, child) in o.ToList())
                if (child is JsonObject or JsonArray) Collect(child, leaves);
                else leaves.Add((o, name));
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++)
                if (a[i] is JsonObject or JsonArray) Collect(a[i]!, leaves);
                else leaves.Add((a, i));
    }

    private static string FlipBytes(Random random, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        for (var n = random.Next(1, 4); n > 0; n--)
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        // Decoded as Latin-1 so the flipped bytes go out as they are, valid UTF-8 or not.
        return Encoding.Latin1.GetString(bytes);
    }

    /// <summary>Query values as they would arrive percent-encoded: NUL and controls, invalid UTF-8, huge numbers, injections.</summary>
    private static readonly string[] QueryValues =
    [
        "%00", "a%00b", "%01", "%1b%5b31m", "%7f", "%c2%85", "%0d%0aSet-Cookie:%20x=1", "%ff%fe", "%ed%a0%80", "%c0%80", "%e2%80%a8", "%ef%bb%bf",
        "99999999999999999999", "-1", "-2147483649", "2147483648", "1e10", "0x10", "NaN", "%27%3b%20DROP%20TABLE%20audit_entries%3b--", "%3cscript%3e",
        "%25", "%", "%zz", "", "+", new string('x', 3000), "in_review,applied", "2026-11-25T20:15:03", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
    ];

    private static List<(string, string)> MutateQuery(Random random, (string, string)[] valid)
    {
        var query = valid.ToList();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var value = QueryValues[random.Next(QueryValues.Length)];
            switch (random.Next(4))
            {
                case 0: query.RemoveAt(random.Next(query.Count)); query.Add((valid[random.Next(valid.Length)].Item1, value)); break;
                case 1: query.Add((query[random.Next(query.Count)].Item1, value)); break; // the parameter twice
                case 2: query.Add((value.Length > 0 ? value : "x", "1")); break; // an odd parameter name
                default: var i = random.Next(query.Count); query[i] = (query[i].Item1, query[i].Item2 + value); break;
            }
        }
        return query;
    }

    private static string MutateSegment(Random random, string valid) => random.Next(3) switch
    {
        0 => QueryValues[random.Next(QueryValues.Length)] is { Length: > 0 } v ? v : "0",
        1 => valid + QueryValues[random.Next(QueryValues.Length)],
        _ => valid,
    };

    // ---- plumbing ----

    private static (HttpClient, HttpRequestMessage, string) Body(HttpClient client, string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body.Any(c => c > 0xff) ? Encoding.UTF8.GetBytes(body) : Encoding.Latin1.GetBytes(body)),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return (client, request, $"POST {path} {Shorten(body, 600)}");
    }

    private static (HttpClient, HttpRequestMessage, string) Query(HttpClient client, string path, List<(string, string)> query)
    {
        // Values are already percent-encoded (or deliberately broken): put in the URL as they are.
        var url = query.Count == 0 ? path : path + "?" + string.Join("&", query.Select(q => $"{q.Item1}={q.Item2.Replace("&", "%26").Replace("#", "%23").Replace(" ", "%20")}"));
        return (client, new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative)), $"GET {Shorten(url, 600)}");
    }

    private async Task<(long Changes, long Events, long Audit)> CountsAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.StoreConnectionString);
        await connection.OpenAsync();
        // Refusals of permission are audited by design; everything else a refused request might have written is counted.
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM config_changes), (SELECT count(*) FROM checkout_events),
                   (SELECT count(*) FROM audit_entries WHERE "Outcome" <> 'Refused')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private async Task<int> RegisterOneAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/api/v1/changes", new StringContent(ChangeBodies[0], Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("number").GetInt32();
    }

    private HttpClient Client(string key) => fixture.App.ApiClient(key);

    /// <summary>A cookie session, signed in through the login form as a person would (the audit export is for people, not keys).</summary>
    private async Task<FormClient> SignedInAsync(string userName, string password)
    {
        var client = new FormClient(fixture.App.BaseUrl);
        using var signIn = await client.SignInAsync(userName, password);
        using var export = await client.Http.GetAsync("/audit/export?format=json");
        Assert.True(export.StatusCode == HttpStatusCode.OK, $"signing in as {userName} failed: the export answered {(int)export.StatusCode}");
        return client;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length} characters)";
}
