using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// A change's lifecycle for pipelines, as a person: submit, approve, reject and apply with a personal token. The person's
/// roles as they are now, the token's scopes, the status and the two-person rule are the domain's to check
/// (<see cref="ChangeRegistry"/>, <see cref="ChangeApplier"/>, <see cref="ConfigChange.AllowedActions"/>), which audits
/// refusals too; RefusalProblemFilter answers them (403 for a role or the two-person rule, 409 for the change's status).
/// This file checks only the body's shape.
/// </summary>
public static class ChangeLifecycleEndpoints
{
    public static IEndpointRouteBuilder MapChangeLifecycleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var changes = endpoints.MapGroup(ChangeEndpoints.BasePath).WithTags("Changes");

        changes.MapPost("/{number:int}/submit", SubmitAsync)
            .RequireAuthorization(ApiKeyPolicies.ChangesWrite)
            .WithName("SubmitChange")
            .WithSummary("Submit a draft change for review, as its author")
            .WithDescription("Needs a personal token (made at /account/tokens) with the scope changes:write, whose owner authored the " +
                             "change and may register changes (DBA or Admin); a service key is refused (register with submitForReview: " +
                             "true instead). No body, or {}. Answers 200 with the change, now in_review; 409 when it is not a draft.")
            .DescribesJsonBody<NoFieldsBody>("None, or {}.", required: false)
            .LifecycleAnswers();

        changes.MapPost("/{number:int}/approve", ApproveAsync)
            .RequireAuthorization(ApiKeyPolicies.ChangesReview)
            .WithName("ApproveChange")
            .WithSummary("Approve a change in review, as a reviewer")
            .WithDescription("Needs a personal token with the scope changes:review, whose owner may review changes (DBA or Admin); a " +
                             "service key is refused. The author of a change never approves it, and one reviewer approves it once: a " +
                             "high-risk change needs two reviewers (approvals of requiredApprovals in the answer). Body: " +
                             $"{{\"comment\": \"...\"}}, optional (or no body), at most {ChangeRegistry.MaxTextLength:N0} characters. " +
                             "Answers 200 with the change; 403 for the author or a second approval by the same reviewer, 409 when the " +
                             "change is not in review (or the review policy refuses it: the detail says why).")
            .DescribesJsonBody<ReviewBody>("An optional review comment.", required: false)
            .LifecycleAnswers();

        changes.MapPost("/{number:int}/reject", RejectAsync)
            .RequireAuthorization(ApiKeyPolicies.ChangesReview)
            .WithName("RejectChange")
            .WithSummary("Reject a change, as a reviewer, saying why")
            .WithDescription("Needs a personal token with the scope changes:review, whose owner may review changes (DBA or Admin); a " +
                             "service key is refused, and so is the change's author. Body: {\"comment\": \"...\"}, required, at most " +
                             $"{ChangeRegistry.MaxTextLength:N0} characters. Answers 200 with the change, now rejected; 409 when it is not " +
                             "in review, approved or detected.")
            .DescribesJsonBody<ReviewBody>("Why the change is rejected.")
            .LifecycleAnswers();

        changes.MapPost("/{number:int}/apply", ApplyAsync)
            .RequireAuthorization(ApiKeyPolicies.ChangesApply)
            .WithName("ApplyChange")
            .WithSummary("Apply an approved change to its target, as a person, and verify it")
            .WithDescription("Needs a personal token with the scope changes:apply, whose owner may apply changes (DBA or Admin); a " +
                             "service key is refused. No body, or {}. The intent is audited before the target is touched; a setting is " +
                             "set, reloaded and verified in pg_settings, a SQL script runs in one transaction. Answers 200 with the change, " +
                             "now applied (pendingRestart when the setting takes effect after a restart). When the target fails it, the " +
                             "answer is 502 with the error (also in lastApplyError and in the change, which stays approved and can be " +
                             "applied again). 409 when the change is not approved, or is external (applied outside the console).")
            .DescribesJsonBody<NoFieldsBody>("None, or {}.", required: false)
            .LifecycleAnswers()
            .ProducesProblem(StatusCodes.Status502BadGateway);

        return endpoints;
    }

    private static RouteHandlerBuilder LifecycleAnswers(this RouteHandlerBuilder builder) => builder
        .Produces<ChangeView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> SubmitAsync(int number, HttpContext http, ChangeRegistry registry, TargetRegistry targets, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        if (AsPerson(http, "submitted") is { } refused)
            return refused;
        var (_, problem) = await JsonBodyReader.ReadOptionalAsync<NoFieldsBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (await registry.GetByNumberAsync(number, ct) is not { } change)
            return NoChange(number);

        var actor = http.User.ToApiKeyActor();
        await registry.SubmitAsync(actor, change.Id, ct);
        return await AnswerAsync(http, registry, targets, loggers, number, "Submitted", actor);
    }

    private static Task<IResult> ApproveAsync(int number, HttpContext http, ChangeRegistry registry, TargetRegistry targets, ILoggerFactory loggers) =>
        ReviewAsync(number, http, registry, targets, loggers, "Approved", commentRequired: false,
            (actor, id, comment, ct) => registry.ApproveAsync(actor, id, comment ?? "", ct));

    private static Task<IResult> RejectAsync(int number, HttpContext http, ChangeRegistry registry, TargetRegistry targets, ILoggerFactory loggers) =>
        ReviewAsync(number, http, registry, targets, loggers, "Rejected", commentRequired: true,
            (actor, id, comment, ct) => registry.RejectAsync(actor, id, comment!, ct));

    /// <summary>A reviewer's verdict: a person's, with a comment (required to reject), then the change as it stands.</summary>
    private static async Task<IResult> ReviewAsync(int number, HttpContext http, ChangeRegistry registry, TargetRegistry targets, ILoggerFactory loggers,
        string verdict, bool commentRequired, Func<Actor, Guid, string?, CancellationToken, Task> review)
    {
        var ct = http.RequestAborted;
        if (AsPerson(http, verdict.ToLowerInvariant()) is { } refused)
            return refused;
        var (body, problem) = commentRequired
            ? await JsonBodyReader.ReadAsync<ReviewBody>(http.Request, ct)
            : await JsonBodyReader.ReadOptionalAsync<ReviewBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (CommentProblem(body!.Comment, commentRequired) is { } invalid)
            return invalid;
        if (await registry.GetByNumberAsync(number, ct) is not { } change)
            return NoChange(number);

        var actor = http.User.ToApiKeyActor();
        await review(actor, change.Id, body.Comment, ct);
        return await AnswerAsync(http, registry, targets, loggers, number, verdict, actor);
    }

    private static async Task<IResult> ApplyAsync(int number, HttpContext http, ChangeRegistry registry, ChangeApplier applier, TargetRegistry targets,
        ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        if (AsPerson(http, "applied") is { } refused)
            return refused;
        var (_, problem) = await JsonBodyReader.ReadOptionalAsync<NoFieldsBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (await registry.GetByNumberAsync(number, ct) is not { } change)
            return NoChange(number);

        var actor = http.User.ToApiKeyActor();
        var result = await applier.ApplyAsync(actor, change.Id, ct);
        if (result.Succeeded)
            return await AnswerAsync(http, registry, targets, loggers, number, "Applied", actor);

        var after = (await registry.GetByNumberAsync(number, ct))!;
        var view = ChangeView.Of(after, (await targets.GetAsync(after.TargetId, ct)).Name, actor);
        Logger(loggers).LogWarning("Applying change {ChangeNumber} through the API by {Actor} failed after {DurationMs} ms: {Error}", number, actor.Name,
            (int)result.Duration.TotalMilliseconds, result.Message);
        return Results.Problem($"Change #{number} was not applied (it stays approved, to be applied again): {result.Message}",
            statusCode: StatusCodes.Status502BadGateway, title: "Apply failed",
            extensions: new Dictionary<string, object?> { ["lastApplyError"] = after.LastApplyError, ["change"] = view });
    }

    /// <summary>The change as it is after the action, for the caller: what they may do next is in its allowedActions.</summary>
    private static async Task<IResult> AnswerAsync(HttpContext http, ChangeRegistry registry, TargetRegistry targets, ILoggerFactory loggers, int number,
        string done, Actor actor)
    {
        var change = (await registry.GetByNumberAsync(number, http.RequestAborted))!;
        var target = await targets.GetAsync(change.TargetId, http.RequestAborted);
        Logger(loggers).LogInformation("{Done} change {ChangeNumber} through the API by {Actor}: now {Status}", done, number, actor.Name, change.Status);
        return Results.Ok(ChangeView.Of(change, target.Name, actor));
    }

    /// <summary>
    /// The review and apply scopes keep service keys out already (they cannot hold them); submit's changes:write does not,
    /// and a service key's review would make the two-person rule the key holder's alone. So each endpoint says it.
    /// </summary>
    private static IResult? AsPerson(HttpContext http, string what) =>
        http.User.ToApiKeyActor().IsPersonalToken
            ? null
            : Results.Problem($"A change is {what} by a person, never by a service key: use a personal token made at /account/tokens.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    private static IResult? CommentProblem(string? comment, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(comment))
            return JsonBodyReader.FieldError("comment", "Say why the change is rejected ('comment').", "Invalid review");
        if (comment is null)
            return null;
        if (comment.Length > ChangeRegistry.MaxTextLength)
            return JsonBodyReader.FieldError("comment", $"'comment' is at most {ChangeRegistry.MaxTextLength:N0} characters.", "Invalid review");
        return TextRules.Problem(comment, multiLine: true) is { } text
            ? JsonBodyReader.FieldError("comment", $"'comment' {text}.", "Invalid review")
            : null;
    }

    private static IResult NoChange(int number) =>
        Results.Problem($"There is no change #{number}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(ChangeLifecycleEndpoints).FullName!);
}
