using OpsConsole.Domain;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// Incidents for bots and scripts. Reading takes the scope read; everything that changes an incident is done as a person
/// (a personal token: incidents:write, and rollbacks:write to roll a suspect back), whose roles the domain checks and
/// audits (<see cref="IncidentService"/>). Refusals go through RefusalProblemFilter.
/// </summary>
public static class IncidentEndpoints
{
    public const string BasePath = "/api/v1/incidents";

    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var incidents = endpoints.MapGroup(BasePath).WithTags("Incidents");

        incidents.MapGet("", ListAsync)
            .RequireAuthorization(ApiKeyPolicies.Read)
            .WithName("ListIncidents")
            .WithSummary("List incidents, newest first")
            .WithDescription("Filters: from and to (ISO 8601, on the onset time), service, status (investigating, identified, monitoring, " +
                             "resolved), skip, take (1-500, default 50). Needs the scope read or changes:write.")
            .Produces<IncidentListView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        incidents.MapGet("/{number:int}", GetAsync)
            .RequireAuthorization(ApiKeyPolicies.Read)
            .WithName("GetIncident")
            .WithSummary("Read one incident: suspects with their evidence, the timeline in order, impact and durations")
            .WithDescription("Needs the scope read or changes:write. Notes on the timeline are raw Markdown; render them through a sanitizer.")
            .Produces<IncidentView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return endpoints;
    }

    private static async Task<IResult> ListAsync(IncidentQueries queries, string? from, string? to, string? service, string? status, string? skip,
        string? take, CancellationToken ct)
    {
        var errors = QueryText.Check(("from", from), ("to", to), ("service", service), ("status", status), ("skip", skip), ("take", take));
        if (errors.Count > 0)
            return Invalid(errors, "Invalid filter");
        var filter = new IncidentFilter(
            From: ParseTime(from, "from", errors),
            To: ParseTime(to, "to", errors),
            Service: string.IsNullOrWhiteSpace(service) ? null : service.Trim(),
            Status: ParseStatus(status, errors),
            Skip: ParseInt(skip, "skip", 0, 0, int.MaxValue, errors),
            Take: ParseInt(take, "take", 50, 1, 500, errors));
        if (filter is { From: { } f, To: { } t } && f > t)
            errors["to"] = ["'to' is before 'from'."];
        if (errors.Count > 0)
            return Invalid(errors, "Invalid filter");
        var page = await queries.ListAsync(filter, ct);
        return Results.Ok(new IncidentListView(page.Items.Select(IncidentSummaryView.Of).ToList(), page.Total, filter.Skip, filter.Take));
    }

    private static async Task<IResult> GetAsync(int number, IncidentQueries queries, IncidentImpactQuery impacts, TimeProvider time,
        CancellationToken ct)
    {
        var detail = await queries.GetByNumberAsync(number, ct);
        if (detail is null)
            return NoIncident(number);
        var incident = detail.Incident;
        var now = time.GetUtcNow();
        var impact = await impacts.ReadAsync(incident.OnsetAt, incident.RecoveredAt ?? incident.ResolvedAt ?? now, incident.Service, ct);
        return Results.Ok(IncidentView.Of(detail, impact, now));
    }

    internal static IResult NoIncident(int number) =>
        Results.Problem($"There is no incident #{number}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    internal static IResult Invalid(Dictionary<string, string[]> errors, string title) =>
        Results.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)), title: title);

    private static DateTimeOffset? ParseTime(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
            return at;
        errors[field] = [$"'{field}' is a time in ISO 8601 (2026-03-14T14:12:00Z)."];
        return null;
    }

    private static IncidentStatus? ParseStatus(string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (Enum.TryParse<IncidentStatus>(text.Trim(), ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(text, out _))
            return status;
        errors["status"] = [$"'status' is one of {string.Join(", ", Enum.GetValues<IncidentStatus>().Select(IncidentText.Of))}."];
        return null;
    }

    private static int ParseInt(string? text, string field, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (int.TryParse(text, out var value) && value >= min && value <= max)
            return value;
        errors[field] = [$"'{field}' is a whole number from {min} to {max}."];
        return fallback;
    }
}
