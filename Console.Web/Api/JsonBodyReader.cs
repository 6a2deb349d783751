using Microsoft.AspNetCore.Http.Features;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace OpsConsole.Web.Api;

/// <summary>
/// Reads a JSON request body itself rather than through minimal-API binding, so that every way a body can be
/// wrong (too big, not JSON, an unknown field, a wrong type) is answered as problem details naming the place.
/// </summary>
public static partial class JsonBodyReader
{
    public const int MaxBytes = 64 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer instead.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        var (body, _, problem) = await ReadBodyAsync(request, MaxBytes, keep: false, ct);
        if (problem is not null)
            return (null, problem);
        try
        {
            return (JsonSerializer.Deserialize<T>(body!, Options), null);
        }
        catch (JsonException wrong)
        {
            return (null, FieldProblem<T>(wrong));
        }
    }

    /// <summary>
    /// For a body that may be left out (an approval without a comment): no body at all reads as <c>{}</c>; a body that is
    /// sent is read and checked as <see cref="ReadAsync{T}"/> does.
    /// </summary>
    public static Task<(T? Value, IResult? Problem)> ReadOptionalAsync<T>(HttpRequest request, CancellationToken ct) where T : class, new()
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        return request.ContentLength == 0 || !canHaveBody ? Task.FromResult<(T?, IResult?)>((new T(), null)) : ReadAsync<T>(request, ct);
    }

    /// <summary>
    /// The body as a JSON object, for a format read by hand (a foreign one such as Alertmanager's, whose unknown fields are
    /// to be ignored, not refused), or the problem to answer instead.
    /// </summary>
    public static async Task<(JsonElement Root, IResult? Problem)> ReadObjectAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var (_, root, problem) = await ReadBodyAsync(request, maxBytes, keep: true, ct);
        return (root, problem);
    }

    private static async Task<(byte[]? Body, JsonElement Root, IResult? Problem)> ReadBodyAsync(HttpRequest request, int maxBytes, bool keep,
        CancellationToken ct)
    {
        if (request.ContentType is not { } contentType || !(contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                                                             || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)))
            return (null, default, Results.Problem("Send the body as JSON, with Content-Type: application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        if (request.ContentLength > maxBytes)
            return (null, default, TooLarge(maxBytes));

        var body = await ReadCappedAsync(request.Body, maxBytes, ct);
        if (body is null)
            return (null, default, TooLarge(maxBytes));
        if (body.Length == 0)
            return (null, default, BadRequest("The body is empty: send a JSON object."));

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, default, BadRequest("The body must be a JSON object."));
            return (body, keep ? document.RootElement.Clone() : default, null);
        }
        catch (JsonException broken)
        {
            var line = (broken.LineNumber ?? 0) + 1;
            var position = (broken.BytePositionInLine ?? 0) + 1;
            return (null, default, Results.Problem($"The body is not valid JSON: it breaks at line {line}, position {position} ({FirstSentence(broken.Message)}).",
                statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON",
                extensions: new Dictionary<string, object?> { ["line"] = line, ["position"] = position }));
        }
    }

    public static IResult FieldError(string field, string message, string? title = null) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message, title: title ?? "Invalid request");

    private static IResult FieldProblem<T>(JsonException error)
    {
        if (UnmappedProperty().Match(error.Message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups[1].Value;
            return FieldError(name, $"'{name}' is not a field of this request.", "Unknown field");
        }
        var field = (error.Path ?? "$").TrimStart('$').TrimStart('.');
        if (field.Length == 0)
            return BadRequest("The body does not have the expected shape.");
        if (IsInvalidText(error))
            return FieldError(field, $"'{field}' is not valid Unicode (a lone surrogate).", "Invalid text");
        return FieldError(field, $"'{field}' must be {Expected<T>(field)}.", "Wrong type");
    }

    /// <summary>System.Text.Json's "cannot read invalid UTF-16" (a lone surrogate escape such as \ud800), wherever it is wrapped.</summary>
    private static bool IsInvalidText(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (e.Message.Contains("invalid UTF-16", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private static string Expected<T>(string field)
    {
        var property = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type switch
        {
            null => "of another type",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(Guid) => "a UUID string",
            _ when type == typeof(DateTimeOffset) => "an ISO 8601 date and time string, e.g. 2026-12-01T22:00:00Z",
            _ when type == typeof(int) => "a whole number",
            _ => $"a {type.Name}",
        };
    }

    private static async Task<byte[]?> ReadCappedAsync(Stream body, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
                return null;
        }
        return buffer.ToArray();
    }

    private static IResult TooLarge(int maxBytes) => Results.Problem($"The body is larger than {maxBytes / 1024} KB.",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.', '|', ' ');
    }

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}
