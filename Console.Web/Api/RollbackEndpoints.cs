using OpsConsole.Domain;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// Rolling a change back from a script or a bot, as a person: a personal token with rollbacks:write, whose owner's roles
/// must allow rollbacks. The run starts through <see cref="RollbackStarter"/> (the standard procedure) and is followed at
/// <c>GET /api/v1/rollbacks/{id}</c>. Refusals go through RefusalProblemFilter.
/// </summary>
public static class RollbackEndpoints
{
    public const string RunsPath = "/api/v1/rollbacks";
    public const int MaxReasonLength = 1000;

    public static IEndpointRouteBuilder MapRollbackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost($"{ChangeEndpoints.BasePath}/{{number:int}}/rollback", StartAsync)
            .WithTags("Rollbacks")
            .RequireAuthorization(ApiKeyPolicies.RollbacksWrite)
            .WithName("RollBackChange")
            .WithSummary("Roll a change back, as a person, through the standard rollback procedure")
            .WithDescription("Needs a personal token (made at /account/tokens) with the scope rollbacks:write, whose owner may roll back " +
                             "changes (OnCall, DBA or Admin); a service key is refused. The body gives the reason. Answers 202 with the run " +
                             "once it has started; follow it at /api/v1/rollbacks/{id} until its status is succeeded, failed or interrupted. " +
                             "409 when the change is already rolled back, being rolled back, or has nothing in effect.")
            .DescribesJsonBody<RollbackBody>("Why the change is rolled back, and the overrides a rollback may need.")
            .Produces<RollbackRunView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        endpoints.MapGet($"{RunsPath}/{{id:guid}}", GetAsync)
            .WithTags("Rollbacks")
            .RequireAuthorization(ApiKeyPolicies.RollbacksRead)
            .WithName("GetRollbackRun")
            .WithSummary("Read a rollback run: its status and each step's outcome")
            .WithDescription("Needs the scope read, changes:write or rollbacks:write. status is running, succeeded, failed or interrupted.")
            .Produces<RollbackRunView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return endpoints;
    }

    private static async Task<IResult> StartAsync(int number, HttpContext http, ChangeRegistry registry, RollbackStarter starter, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        var actor = http.User.ToApiKeyActor();
        // The scope alone already keeps service keys out (they cannot hold it); this says so should that ever change.
        if (!actor.IsPersonalToken)
            return Results.Problem("A rollback is done as a person, never as a service key: use a personal token made at /account/tokens.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        var (body, problem) = await JsonBodyReader.ReadAsync<RollbackBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (string.IsNullOrWhiteSpace(body!.Reason))
            return JsonBodyReader.FieldError("reason", "Say why the change is rolled back ('reason').", "Invalid rollback");
        if (body.Reason.Length > MaxReasonLength)
            return JsonBodyReader.FieldError("reason", $"'reason' is at most {MaxReasonLength} characters.", "Invalid rollback");
        if (TextRules.Problem(body.Reason, multiLine: true) is { } text)
            return JsonBodyReader.FieldError("reason", $"'reason' {text}.", "Invalid rollback");

        var change = await registry.GetByNumberAsync(number, ct);
        if (change is null)
            return Results.Problem($"There is no change #{number}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        var started = await starter.StartAsync(actor, new RollbackRequest(change.Id, body.Reason.Trim(), body.Anyway ?? false, body.ChecklistConfirmed), ct);
        loggers.CreateLogger(typeof(RollbackEndpoints).FullName!).LogInformation(
            "Started rollback run {RunId} of change {ChangeNumber} through the API by {Actor}", started.Run.Id, number, actor.Name);
        return Results.Accepted($"{RunsPath}/{started.Run.Id}", RollbackRunView.Of(started));
    }

    private static async Task<IResult> GetAsync(Guid id, RollbackStarter starter, CancellationToken ct) =>
        await starter.GetAsync(id, ct) is { } run
            ? Results.Ok(RollbackRunView.Of(run))
            : Results.Problem($"There is no rollback run {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
