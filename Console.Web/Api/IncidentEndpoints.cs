using OpsConsole.Domain;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components;
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
    public const int DefaultSummaryMonths = 6;

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

        incidents.MapGet("/summary", SummaryAsync)
            .RequireAuthorization(ApiKeyPolicies.Read)
            .WithName("IncidentMonthlySummary")
            .WithSummary("The managers' figures per calendar month: incidents, mean time to detect and to recover, change failure rate")
            .WithDescription($"Months as yyyy-MM: from and to (both or neither; default the last {DefaultSummaryMonths} months, this one " +
                             $"included), at most {MonthlySummaryQuery.MaxMonths} months. timeZone (an IANA id such as Europe/Berlin, " +
                             "default UTC) says whose calendar months they are. Incidents count by onset; means are in seconds from onset, " +
                             "null when no incident got there; the change failure rate is the registered changes applied in the month that " +
                             "were rolled back or named as an incident's cause, over those applied (null when none was). Needs the scope read " +
                             "or changes:write.")
            .Produces<MonthlySummaryView>()
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

        incidents.MapPost("", OpenAsync)
            .RequireAuthorization(ApiKeyPolicies.IncidentsWrite)
            .WithName("OpenIncident")
            .WithSummary("Open an incident by hand, as a person: the caller becomes its commander")
            .WithDescription("Needs a personal token (made at /account/tokens) with the scope incidents:write, whose owner may manage " +
                             "incidents (OnCall, DBA or Admin); a service key is refused. Required: title, severity (SEV1 to SEV4), service. " +
                             "Optional: targetName (a monitored target: its recent changes become the suspects), onsetAt (default now), " +
                             "summary (Markdown). Unknown fields are refused. Answers 201 with the incident.")
            .DescribesJsonBody<NewIncidentBody>("The incident to open.")
            .Produces<IncidentView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        incidents.MapPost("/{number:int}/notes", AddNoteAsync)
            .RequireAuthorization(ApiKeyPolicies.IncidentsWrite)
            .WithName("AddIncidentNote")
            .WithSummary("Add a Markdown note to an incident's timeline, as a person")
            .WithDescription($"Needs a personal token with the scope incidents:write, whose owner may manage incidents. The body is " +
                             $"{{\"markdown\": \"...\"}}, at most {Incident.MaxNoteLength:N0} characters; it is kept raw and rendered safely. " +
                             "Answers 201 with the note's timeline entry id.")
            .DescribesJsonBody<NewNoteBody>("The note.")
            .Produces<NoteAddedView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        incidents.MapPost("/{number:int}/suspects/{changeNumber:int}/rollback", RollBackSuspectAsync)
            .RequireAuthorization(ApiKeyPolicies.RollbacksWrite)
            .WithName("RollBackIncidentSuspect")
            .WithSummary("Roll one of an incident's suspect changes back, as a person: the timeline records it and the incident moves to Monitoring")
            .WithDescription("Needs a personal token with the scopes rollbacks:write and incidents:write, whose owner may both roll back " +
                             "changes and manage incidents (OnCall, DBA or Admin); a service key is refused. The body gives the reason " +
                             "(and anyway: true to roll back although the precheck found the value changed again). Runs the standard " +
                             "rollback procedure to its end and answers 200 with the outcome and the run (also at /api/v1/rollbacks/{run}); " +
                             "succeeded false with needsAnyway when the precheck stopped it. 404 when the change is not a suspect of the " +
                             "incident; 409 when it is already rolled back or being rolled back.")
            .DescribesJsonBody<SuspectRollbackBody>("Why the suspect is rolled back.")
            .Produces<SuspectRollbackView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }

    private static async Task<IResult> OpenAsync(HttpContext http, IncidentService incidents, IncidentQueries queries, IncidentImpactQuery impacts,
        TargetRegistry targets, TimeProvider time, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        if (AsPerson(http, "An incident is run") is { } refused)
            return refused;
        var (body, problem) = await JsonBodyReader.ReadAsync<NewIncidentBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        var errors = QueryText.Check(("title", body!.Title), ("severity", body.Severity), ("service", body.Service), ("targetName", body.TargetName));
        if (body.Summary is not null && TextRules.Problem(body.Summary, multiLine: true) is { } text)
            errors["summary"] = [$"'summary' {text}."];
        if (errors.Count > 0)
            return Invalid(errors, "Invalid incident");
        if (string.IsNullOrWhiteSpace(body.Title))
            errors["title"] = ["Give a title ('title')."];
        if (string.IsNullOrWhiteSpace(body.Service))
            errors["service"] = ["Give the affected service ('service')."];
        var severity = IncidentText.ParseSeverity(body.Severity);
        if (severity is null)
            errors["severity"] = [body.Severity is null ? "Give the severity ('severity'): SEV1 to SEV4." : "'severity' is SEV1, SEV2, SEV3 or SEV4."];
        Guid? targetId = null;
        if (!string.IsNullOrWhiteSpace(body.TargetName))
        {
            targetId = (await targets.ListAsync(ct)).FirstOrDefault(t => t.Name == body.TargetName.Trim())?.Id;
            if (targetId is null)
                errors["targetName"] = ["There is no target by that name ('targetName')."];
        }
        if (errors.Count > 0)
            return Invalid(errors, "Invalid incident");

        var actor = http.User.ToApiKeyActor();
        // The domain's refusals (a Viewer's token, a title too long, an onset in the future) are answered by RefusalProblemFilter.
        var opened = await incidents.OpenAsync(actor, new NewIncident(body.Title!, severity!.Value, body.Service!, targetId, body.OnsetAt, body.Summary), ct);
        loggers.CreateLogger(typeof(IncidentEndpoints).FullName!).LogInformation(
            "Opened incident {IncidentNumber} through the API by {Actor}", opened.Number, actor.Name);
        var view = await ViewAsync((await queries.GetByNumberAsync(opened.Number, ct))!, impacts, time, ct);
        return Results.Created($"{BasePath}/{opened.Number}", view);
    }

    private static async Task<IResult> AddNoteAsync(int number, HttpContext http, IncidentService incidents, IncidentQueries queries)
    {
        var ct = http.RequestAborted;
        if (AsPerson(http, "An incident is run") is { } refused)
            return refused;
        var (body, problem) = await JsonBodyReader.ReadAsync<NewNoteBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (string.IsNullOrWhiteSpace(body!.Markdown))
            return JsonBodyReader.FieldError("markdown", "Write the note ('markdown').", "Invalid note");
        if (body.Markdown.Length > Incident.MaxNoteLength)
            return JsonBodyReader.FieldError("markdown", $"'markdown' is at most {Incident.MaxNoteLength:N0} characters.", "Invalid note");
        if (TextRules.Problem(body.Markdown, multiLine: true) is { } text)
            return JsonBodyReader.FieldError("markdown", $"'markdown' {text}.", "Invalid note");
        if (await queries.GetByNumberAsync(number, ct) is not { } detail)
            return NoIncident(number);

        var id = await incidents.AddNoteAsync(http.User.ToApiKeyActor(), detail.Incident.Id, body.Markdown, ct);
        var at = (await queries.GetByNumberAsync(number, ct))!.Timeline.Single(e => e.Id == id).At;
        return Results.Created($"{BasePath}/{number}", new NoteAddedView(number, id, at));
    }

    private static async Task<IResult> RollBackSuspectAsync(int number, int changeNumber, HttpContext http, IncidentService incidents,
        IncidentQueries queries, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        if (AsPerson(http, "A rollback is done") is { } refused)
            return refused;
        var (body, problem) = await JsonBodyReader.ReadAsync<SuspectRollbackBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (string.IsNullOrWhiteSpace(body!.Reason))
            return JsonBodyReader.FieldError("reason", "Say why the change is rolled back ('reason').", "Invalid rollback");
        if (body.Reason.Length > RollbackEndpoints.MaxReasonLength)
            return JsonBodyReader.FieldError("reason", $"'reason' is at most {RollbackEndpoints.MaxReasonLength} characters.", "Invalid rollback");
        if (TextRules.Problem(body.Reason, multiLine: true) is { } text)
            return JsonBodyReader.FieldError("reason", $"'reason' {text}.", "Invalid rollback");
        if (await queries.GetByNumberAsync(number, ct) is not { } detail)
            return NoIncident(number);
        if (detail.Suspects.FirstOrDefault(s => s.ChangeNumber == changeNumber) is not { } suspect)
            return Results.Problem($"Change #{changeNumber} is not a suspect of incident #{number}.", statusCode: StatusCodes.Status404NotFound,
                title: "Not found");

        var actor = http.User.ToApiKeyActor();
        var outcome = await incidents.RollBackSuspectAsync(actor, detail.Incident.Id, new RollbackRequest(suspect.ChangeId, body.Reason.Trim(),
            body.Anyway ?? false), ct: ct);
        var after = (await queries.GetByNumberAsync(number, ct))!;
        // The timeline's last word on this change names the run it started (none when the procedure refused before claiming one).
        var end = after.Timeline.LastOrDefault(e => e.ChangeId == suspect.ChangeId && e.Kind is TimelineKind.RollbackFinished or TimelineKind.RollbackFailed);
        loggers.CreateLogger(typeof(IncidentEndpoints).FullName!).LogInformation(
            "Rolled back change {ChangeNumber} from incident {IncidentNumber} through the API by {Actor}: {Succeeded}", changeNumber, number, actor.Name,
            outcome.Succeeded);
        return Results.Ok(new SuspectRollbackView(number, changeNumber, outcome.Succeeded, outcome.NeedsAnyway, outcome.Message, end?.RollbackRunId,
            IncidentText.Of(after.Incident.Status)));
    }

    /// <summary>The scopes alone keep service keys out (they cannot hold them); this says so, should that ever change.</summary>
    private static IResult? AsPerson(HttpContext http, string what) =>
        http.User.ToApiKeyActor().IsPersonalToken
            ? null
            : Results.Problem($"{what} as a person, never as a service key: use a personal token made at /account/tokens.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    private static async Task<IncidentView> ViewAsync(IncidentDetail detail, IncidentImpactQuery impacts, TimeProvider time, CancellationToken ct)
    {
        var incident = detail.Incident;
        var now = time.GetUtcNow();
        var impact = await impacts.ReadAsync(incident.OnsetAt, incident.RecoveredAt ?? incident.ResolvedAt ?? now, incident.Service, ct);
        return IncidentView.Of(detail, impact, now);
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
        CancellationToken ct) =>
        await queries.GetByNumberAsync(number, ct) is { } detail ? Results.Ok(await ViewAsync(detail, impacts, time, ct)) : NoIncident(number);

    private static async Task<IResult> SummaryAsync(MonthlySummaryQuery summary, TimeProvider time, string? from, string? to, string? timeZone,
        CancellationToken ct)
    {
        var errors = QueryText.Check(("from", from), ("to", to), ("timeZone", timeZone));
        if (errors.Count > 0)
            return Invalid(errors, "Invalid summary");
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(timeZone) && !ViewerTimeZone.TryFind(timeZone.Trim(), out zone))
            errors["timeZone"] = ["'timeZone' is an IANA time zone id (Europe/Berlin, America/New_York, UTC)."];
        var (first, last) = (ParseMonth(from, "from", errors), ParseMonth(to, "to", errors));
        if ((first is null) != (last is null) && errors.Count == 0)
            errors[first is null ? "from" : "to"] = ["Give both 'from' and 'to', or neither for the last months."];
        if (errors.Count > 0)
            return Invalid(errors, "Invalid summary");
        var now = ReportMonth.Of(time.GetUtcNow(), zone!);
        var (start, end) = (first ?? now.Back(DefaultSummaryMonths - 1), last ?? now);
        // A range that runs backwards or is too long is the query's refusal, named on 'to' by RefusalProblemFilter.
        var months = await summary.ReadAsync(start, end, zone!, ct);
        return Results.Ok(MonthlySummaryView.Of(start, end, zone!, months));
    }

    private static ReportMonth? ParseMonth(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (ReportMonth.TryParse(text.Trim(), out var month))
            return month;
        errors[field] = [$"'{field}' is a month as yyyy-MM (2026-11)."];
        return null;
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
