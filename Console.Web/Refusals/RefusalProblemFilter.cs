using System.Globalization;
using System.Text.Json;

namespace OpsConsole.Web.Refusals;

/// <summary>
/// The one place where the domain's refusals become HTTP answers, for every endpoint (see UseOpsWeb): a rule about one
/// field is a validation problem naming it as the JSON body does (camelCase), any other rule a 400 (but 409 when it is about
/// the thing's state, 403 when about the person: see <see cref="OpsConsole.Domain.RuleBar"/>), access denied a 403,
/// a rollback that cannot start or a staging target with a rehearsal under way a 409, a target that does not answer a 503,
/// a busy ingest a 429 with Retry-After.
/// Endpoints throw and never map; a handler returns its own problem only for what it checks itself (the body's shape).
/// </summary>
public sealed class RefusalProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (Refusal.Of(e) is { } refusal)
        {
            return Problem(refusal, context.HttpContext);
        }
    }

    public static IResult Problem(Refusal refusal, HttpContext http)
    {
        switch (refusal.Kind)
        {
            case RefusalKind.Rule when refusal.Field is { } field:
                return Results.ValidationProblem(new Dictionary<string, string[]> { [JsonNamingPolicy.CamelCase.ConvertName(field)] = [refusal.Message] },
                    detail: refusal.Message, title: "Request refused");
            case RefusalKind.Busy:
                var seconds = Math.Max(1, (int)Math.Ceiling((refusal.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Results.Problem(refusal.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
            default:
                var (status, title) = refusal.Kind switch
                {
                    RefusalKind.AccessDenied => (StatusCodes.Status403Forbidden, "Forbidden"),
                    RefusalKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
                    RefusalKind.TargetUnavailable => (StatusCodes.Status503ServiceUnavailable, "Target unavailable"),
                    _ => (StatusCodes.Status400BadRequest, "Request refused"),
                };
                return Results.Problem(refusal.Message, statusCode: status, title: title);
        }
    }
}
