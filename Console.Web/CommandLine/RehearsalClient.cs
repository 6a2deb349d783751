using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsConsole.Web.Api;

namespace OpsConsole.Web.CommandLine;

/// <summary>
/// The console's rehearsal API as the command line calls it, with a personal token. Every answer that is not the one
/// hoped for becomes a <see cref="ConsoleRefusedException"/> carrying the problem details' words, or, when the console
/// cannot be reached at all, an <see cref="HttpRequestException"/> or a timeout.
/// </summary>
public sealed class RehearsalClient(HttpClient http) : IDisposable
{
    public const string KeyHeader = "X-Api-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RehearsalClient For(Uri console, string token, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = console, Timeout = timeout };
        http.DefaultRequestHeaders.Add(KeyHeader, token);
        return new RehearsalClient(http);
    }

    /// <summary>Starts a rehearsal on <paramref name="target"/>, or (null) on a throwaway staging cluster made for it.</summary>
    public async Task<RehearsalView> StartAsync(int change, string? target, string profile, CancellationToken ct)
    {
        var body = new RehearsalBody { Target = target, Throwaway = target is null ? true : null, Profile = profile };
        using var response = await http.PostAsJsonAsync($"api/v1/changes/{change}/rehearsals", body, Json, ct);
        return (await ReadAsync(response, HttpStatusCode.Accepted, ct)).View;
    }

    /// <summary>The rehearsal and the answer's JSON as the console sent it (what <c>--out</c> writes).</summary>
    public async Task<(RehearsalView View, string Json)> GetAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/v1/rehearsals/{id}", ct);
        return await ReadAsync(response, HttpStatusCode.OK, ct);
    }

    public async Task CancelAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.PostAsync($"api/v1/rehearsals/{id}/cancel", null, ct);
        await ReadAsync(response, HttpStatusCode.Accepted, ct);
    }

    private static async Task<(RehearsalView View, string Json)> ReadAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != expected)
            throw new ConsoleRefusedException(response.StatusCode, Describe(response, text));
        try
        {
            return (JsonSerializer.Deserialize<RehearsalView>(text, Json)!, text);
        }
        catch (JsonException e)
        {
            throw new ConsoleRefusedException(response.StatusCode, $"The console answered with something other than a rehearsal ({e.Message}).");
        }
    }

    /// <summary>The problem details in words: the detail, and each field's message when they add to it.</summary>
    private static string Describe(HttpResponseMessage response, string text)
    {
        var words = new StringBuilder();
        try
        {
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : root.TryGetProperty("title", out var t) ? t.GetString() : null;
            words.Append(detail);
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                foreach (var field in errors.EnumerateObject())
                    foreach (var message in field.Value.EnumerateArray().Select(m => m.GetString()).Where(m => m is not null && m != detail))
                        words.Append($" ({field.Name}: {message})");
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's page, say): the status says enough.
        }
        if (words.Length == 0)
            words.Append(response.ReasonPhrase ?? "no reason given");
        return $"{(int)response.StatusCode} {response.StatusCode}: {words}";
    }

    public void Dispose() => http.Dispose();
}

/// <summary>The console answered, and said no (or something the command cannot use).</summary>
public sealed class ConsoleRefusedException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
