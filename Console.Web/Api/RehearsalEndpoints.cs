using OpsConsole.Domain;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// Rehearsing a change from a pipeline (and the <c>rehearse</c> command), as a person: a personal token with
/// rehearsals:write, whose owner may run rehearsals (DBA or Admin). The console's own runner runs the rehearsal, so staging
/// is reverted however it ends, also when the caller goes away. Refusals (production, a shared cluster, a rehearsal under
/// way, a Viewer) come from <see cref="RehearsalService"/> through RefusalProblemFilter.
/// </summary>
public static class RehearsalEndpoints
{
    public const string RunsPath = "/api/v1/rehearsals";
    private const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapRehearsalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rehearsals = endpoints.MapGroup("").WithTags("Rehearsals");

        rehearsals.MapPost($"{ChangeEndpoints.BasePath}/{{number:int}}/rehearsals", StartAsync)
            .RequireAuthorization(ApiKeyPolicies.RehearsalsWrite)
            .WithName("RehearseChange")
            .WithSummary("Rehearse a setting change on a staging target: baseline, the change, side by side, staging reverted")
            .WithDescription("Needs a personal token (made at /account/tokens) with the scope rehearsals:write, whose owner may run rehearsals " +
                             "(DBA or Admin); a service key is refused. The body names the staging target (or says throwaway: true for a " +
                             "throwaway staging cluster the console creates for it and removes when it ends) and the profile (its name in any " +
                             "case, or a word of it that fits one profile only). Answers 202 with the rehearsal once it is queued; follow it at " +
                             "/api/v1/rehearsals/{id} until its status is passed, failed, cancelled or not_run. 400 names the field for an " +
                             "unknown target or profile and for a target that may not be rehearsed on (production, or in a production " +
                             "target's cluster); 404 for an unknown change; 409 when the target has a rehearsal under way.")
            .DescribesJsonBody<RehearsalBody>("The staging target (or throwaway: true) and the profile to rehearse with.")
            .Produces<RehearsalView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        rehearsals.MapGet($"{ChangeEndpoints.BasePath}/{{number:int}}/rehearsals", ListAsync)
            .RequireAuthorization(ApiKeyPolicies.RehearsalsRead)
            .WithName("ListRehearsals")
            .WithSummary("A change's rehearsals, newest first, without their reports")
            .WithDescription("Needs the scope read, changes:write or rehearsals:write.")
            .Produces<RehearsalListView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        rehearsals.MapGet($"{RunsPath}/{{id:guid}}", GetAsync)
            .RequireAuthorization(ApiKeyPolicies.RehearsalsRead)
            .WithName("GetRehearsal")
            .WithSummary("Read a rehearsal: where it stands, and once ended its report, verdict and revert")
            .WithDescription("Needs the scope read, changes:write or rehearsals:write. While it runs: status, phase, round, planned and elapsed " +
                             "seconds. Once both sides have run: the report with every round of both sides, each side's median and spread " +
                             "(min, max), and the verdict's checks, each with its reason. reason says why it could not run or was cancelled; " +
                             "revertOutcome what the revert of staging found (revertExact: all of pg_settings as before).")
            .Produces<RehearsalView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        rehearsals.MapPost($"{RunsPath}/{{id:guid}}/cancel", CancelAsync)
            .RequireAuthorization(ApiKeyPolicies.RehearsalsWrite)
            .WithName("CancelRehearsal")
            .WithSummary("Cancel a rehearsal: its load stops within a second and staging is reverted")
            .WithDescription("Needs a personal token with the scope rehearsals:write, whose owner may run rehearsals. Answers 202 with the " +
                             "rehearsal; it ends cancelled once staging is reverted. 400 when it has already ended.")
            .Produces<RehearsalView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return endpoints;
    }

    private static async Task<IResult> StartAsync(int number, HttpContext http, ChangeRegistry registry, TargetRegistry targets,
        RehearsalProfiles profiles, RehearsalService service, IThrowawayStaging throwaways, TimeProvider time, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        var actor = http.User.ToApiKeyActor();
        // The scope alone keeps service keys out (they cannot hold it); this says so should that ever change.
        if (!actor.IsPersonalToken)
            return Results.Problem("A rehearsal is run as a person, never as a service key: use a personal token made at /account/tokens.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        var (body, problem) = await JsonBodyReader.ReadAsync<RehearsalBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (Check(body!) is { } invalid)
            return invalid;

        if (await registry.GetByNumberAsync(number, ct) is null)
            return Results.Problem($"There is no change #{number}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        var profile = await profiles.MatchAsync(body!.Profile!, ct);
        Guid targetId;
        string targetName;
        if (body.Throwaway == true)
        {
            var created = await throwaways.CreateAsync(actor, ct);
            (targetId, targetName) = (created.Id, created.Name);
        }
        else
        {
            var name = body.Target!.Trim();
            var all = await targets.ListAsync(ct);
            var target = all.FirstOrDefault(t => t.Name == name) ?? all.SingleOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
            if (target is null)
                return JsonBodyReader.FieldError("target", $"There is no target named '{Shorten(name)}'.", "Unknown target");
            (targetId, targetName) = (target.Id, target.Name);
        }

        Rehearsal rehearsal;
        try
        {
            rehearsal = await service.StartAsync(actor, new RehearsalRequest(number, targetId, profile.Name), ct);
        }
        catch when (body.Throwaway == true)
        {
            // Made for this rehearsal only: a refused start must not leave it running.
            await throwaways.RemoveAsync(actor, targetId, CancellationToken.None);
            throw;
        }
        loggers.CreateLogger(typeof(RehearsalEndpoints).FullName!).LogInformation(
            "Started rehearsal {RehearsalId} of change {ChangeNumber} on {Target} with {Profile} through the API by {Actor}", rehearsal.Id, number,
            targetName, profile.Name, actor.Name);
        return Results.Accepted($"{RunsPath}/{rehearsal.Id}", RehearsalView.Of(rehearsal, time.GetUtcNow(), withReport: false));
    }

    private static IResult? Check(RehearsalBody body)
    {
        if (body.Throwaway == true && body.Target is not null)
            return JsonBodyReader.FieldError("target", "Give a target or throwaway: true, not both.", "Invalid rehearsal");
        var fields = body.Throwaway == true
            ? new[] { ("profile", body.Profile, "the profile's name") }
            : [("target", body.Target, "the staging target's name (or throwaway: true)"), ("profile", body.Profile, "the profile's name")];
        foreach (var (field, value, what) in fields)
        {
            if (string.IsNullOrWhiteSpace(value))
                return JsonBodyReader.FieldError(field, $"Give {what} ('{field}').", "Invalid rehearsal");
            if (value.Length > MaxNameLength)
                return JsonBodyReader.FieldError(field, $"'{field}' is at most {MaxNameLength} characters.", "Invalid rehearsal");
            if (TextRules.Problem(value, multiLine: false) is { } text)
                return JsonBodyReader.FieldError(field, $"'{field}' {text}.", "Invalid rehearsal");
        }
        return null;
    }

    private static async Task<IResult> ListAsync(int number, ChangeRegistry registry, RehearsalService service, TimeProvider time, CancellationToken ct)
    {
        var change = await registry.GetByNumberAsync(number, ct);
        if (change is null)
            return Results.Problem($"There is no change #{number}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        var now = time.GetUtcNow();
        var items = await service.ForChangeAsync(change.Id, ct);
        return Results.Ok(new RehearsalListView(number, items.Select(r => RehearsalView.Of(r, now, withReport: false)).ToList()));
    }

    private static async Task<IResult> GetAsync(Guid id, RehearsalService service, TimeProvider time, CancellationToken ct) =>
        await service.GetAsync(id, ct) is { } rehearsal
            ? Results.Ok(RehearsalView.Of(rehearsal, time.GetUtcNow(), withReport: true))
            : NotFound(id);

    private static async Task<IResult> CancelAsync(Guid id, HttpContext http, RehearsalService service, TimeProvider time)
    {
        var ct = http.RequestAborted;
        if (await service.GetAsync(id, ct) is null)
            return NotFound(id);
        await service.CancelAsync(http.User.ToApiKeyActor(), id, ct);
        var rehearsal = await service.GetAsync(id, ct);
        return Results.Accepted($"{RunsPath}/{id}", RehearsalView.Of(rehearsal!, time.GetUtcNow(), withReport: true));
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem($"There is no rehearsal {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
