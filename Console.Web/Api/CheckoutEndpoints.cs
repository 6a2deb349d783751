using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OpsConsole.Domain;
using OpsConsole.Domain.Checkout;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// The checkout ingest for checkout services: batches of attempts, with an API key of scope events:write.
/// 202 means stored durably (committed); any bad event refuses the whole batch, naming its place.
/// </summary>
public static class CheckoutEndpoints
{
    public const string BasePath = "/api/v1/checkout-events";

    public static IEndpointRouteBuilder MapCheckoutEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(BasePath, IngestAsync)
            .WithTags("Checkout")
            .RequireAuthorization(ApiKeyPolicies.EventsWrite)
            .WithName("IngestCheckoutEvents")
            .WithSummary("Store a batch of checkout attempts")
            .WithDescription("Needs an API key with the scope events:write in the X-Api-Key header. The body is a JSON array of checkout events " +
                             "(at most Ingest:MaxBatchEvents events and Ingest:MaxBatchBytes bytes, 413 above). 202 is answered only once the batch " +
                             "is stored durably; an event id already stored is counted as a duplicate and stored once. Any bad event refuses the " +
                             "whole batch with problem details naming it, e.g. [3].occurredAt. Under overload the answer is 429 with Retry-After: " +
                             "send the same batch again later (repeats are harmless).")
            // The request schema by a transformer, not .Accepts: Accepts also makes routing answer other content types with
            // a bare 415, where this API answers problem details.
            .AddOpenApiOperationTransformer(async (operation, context, ct) => operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "A JSON array of checkout events.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(CheckoutEventBody[]), null, ct) },
                },
            })
            .Produces<CheckoutBatchResult>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    private static async Task<IResult> IngestAsync(HttpContext http, CheckoutIngest ingest, IOptions<IngestOptions> options)
    {
        var limits = options.Value;
        var request = http.Request;
        if (request.ContentType is not { } contentType || !(contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                                                             || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)))
            return Results.Problem("Send the body as JSON, with Content-Type: application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        // Kestrel reads and drops what a 413 leaves unread, up to this size, so that a client still sending reads its
        // answer rather than a reset connection; a body larger still gets the connection closed. It replaces Kestrel's
        // default (30 MB), larger or smaller: the batch cap itself is ReadCappedAsync's.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = 2L * limits.MaxBatchBytes;
        if (request.ContentLength > limits.MaxBatchBytes)
            return TooLarge(limits);

        var (buffer, length) = await ReadCappedAsync(request, limits.MaxBatchBytes, http.RequestAborted);
        if (buffer is null)
            return TooLarge(limits);
        try
        {
            var (events, error) = CheckoutBatchParser.Parse(buffer.AsSpan(0, length), limits.MaxBatchEvents);
            if (error is not null)
                return Refuse(error);
            // A bad event or a full ingest (429 with Retry-After) is answered by RefusalProblemFilter.
            var result = await ingest.IngestAsync(events!, http.RequestAborted);
            return Results.Json(result, statusCode: StatusCodes.Status202Accepted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult Refuse(BatchShapeError error)
    {
        if (error.Field is not null)
            return JsonBodyReader.FieldError(error.Field, error.Message, error.Title);
        var extensions = error.Line is null ? null : new Dictionary<string, object?> { ["line"] = error.Line, ["position"] = error.Position };
        return Results.Problem(error.Message, statusCode: error.Status, title: error.Title, extensions: extensions);
    }

    /// <summary>The body in a pooled buffer (return it), or a null buffer when it is larger than <paramref name="max"/>.</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadCappedAsync(HttpRequest request, int max, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 64 * 1024, max) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0)
                    return (buffer, length);
                length += read;
                if (length > max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0);
                }
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, 0);
        }
    }

    private static IResult TooLarge(IngestOptions limits) =>
        Results.Problem($"A batch is at most {limits.MaxBatchBytes} bytes and {limits.MaxBatchEvents} events.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Batch too large");
}
