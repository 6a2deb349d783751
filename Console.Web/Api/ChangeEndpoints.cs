using System.Security.Claims;
using System.Text.Json;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// The change registry for pipelines: register a change, list and read changes, with an API key (X-Api-Key).
/// Every mutation goes through <see cref="ChangeRegistry"/>, which checks the key's grants and audits.
/// </summary>
public static class ChangeEndpoints
{
    public const string BasePath = "/api/v1/changes";

    private static readonly Dictionary<string, ChangeKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["setting"] = ChangeKind.Setting, ["sql"] = ChangeKind.Sql, ["external"] = ChangeKind.External,
    };

    /// <summary>Which body fields belong to which kind: a field of another kind is refused, not silently dropped.</summary>
    private static readonly Dictionary<ChangeKind, string[]> FieldsOfKind = new()
    {
        [ChangeKind.Setting] = ["parameter", "value"],
        [ChangeKind.Sql] = ["forwardScript", "rollbackScript"],
        [ChangeKind.External] = ["description", "rollbackSteps", "rollbackWebhookUrl"],
    };

    public static IEndpointRouteBuilder MapChangeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var changes = endpoints.MapGroup(BasePath).WithTags("Changes");

        changes.MapPost("", RegisterAsync)
            .RequireAuthorization(ApiKeyPolicies.ChangesWrite)
            .WithName("RegisterChange")
            .WithSummary("Register a change (setting, SQL or external) on a target")
            .WithDescription("Needs an API key with the scope changes:write in the X-Api-Key header. The body is at most 64 KB; " +
                             "unknown fields are refused. A setting change is validated against the target's pg_settings; nothing is saved " +
                             "or executed when any field is wrong.")
            .Accepts<NewChangeBody>("application/json")
            .Produces<ChangeView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        changes.MapGet("", ListAsync)
            .RequireAuthorization(ApiKeyPolicies.Read)
            .WithName("ListChanges")
            .WithSummary("List changes, newest first")
            .WithDescription("Filters: target (name), status (draft, in_review, approved, applied, rolled_back, rollback_failed, rejected, superseded, detected), " +
                             "kind (setting, sql, external), risk (low, medium, high), search (title, reason, parameter, target), skip, take (1-500). " +
                             "Needs the scope read or changes:write.")
            .Produces<ChangeListView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        changes.MapGet("/{number:int}", GetAsync)
            .RequireAuthorization(ApiKeyPolicies.Read)
            .WithName("GetChange")
            .WithSummary("Read one change by its number")
            .WithDescription("Needs the scope read or changes:write. allowedActions lists what the calling key may do to the change now; " +
                             "unavailableActions the other actions, each with the reason.")
            .Produces<ChangeView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, ChangeRegistry registry, TargetRegistry targets, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        var (body, problem) = await JsonBodyReader.ReadAsync<NewChangeBody>(http.Request, ct);
        if (problem is not null)
            return problem;
        if (Check(body!) is { Count: > 0 } errors)
            return Results.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)), title: "Invalid change");

        var actor = http.User.ToApiKeyActor();
        if (actor.Key is null)
            return Results.Problem($"The API key {http.User.Identity?.Name} acts for no console user: its Owner " +
                                   $"('{http.User.FindFirstValue(ApiKeyAuthenticationHandler.OwnerNameClaim)}') is not a user name here. " +
                                   "A change needs a person as its author, so that the two-person rule holds.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        // The registry's refusals (a bad value, a missing permission, a target that does not answer) are answered by RefusalProblemFilter.
        var target = await ResolveTargetAsync(targets, body!, ct);
        if (target is null)
            return JsonBodyReader.FieldError("targetName", $"There is no target named '{Shorten(body!.TargetName!)}'.", "Unknown target");
        var change = await RegisterByKindAsync(registry, actor, target.Value.Id, body!, ct);
        loggers.CreateLogger(typeof(ChangeEndpoints).FullName!).LogInformation(
            "Registered change {ChangeNumber} on {Target} through the API by {Actor}", change.Number, target.Value.Name, actor.Name);
        return Results.Created($"{BasePath}/{change.Number}", ChangeView.Of(change, target.Value.Name, actor));
    }

    private static Task<ConfigChange> RegisterByKindAsync(ChangeRegistry registry, Actor actor, Guid targetId, NewChangeBody body, CancellationToken ct)
    {
        var details = new ChangeDetails(body.Title!, body.Reason!, body.TicketUrl, Enum.Parse<ChangeRisk>(body.Risk!.Trim(), ignoreCase: true), body.PlannedAt);
        var submit = body.SubmitForReview ?? false;
        return Kinds[body.Kind!] switch
        {
            ChangeKind.Setting => registry.RegisterSettingAsync(actor, new SettingChangeRequest(targetId, body.Parameter!, body.Value!, details, submit), ct),
            ChangeKind.Sql => registry.RegisterSqlAsync(actor, new SqlChangeRequest(targetId, body.ForwardScript!, body.RollbackScript!, details, submit), ct),
            _ => registry.RegisterExternalAsync(actor,
                new ExternalChangeRequest(targetId, body.Description!, body.RollbackSteps!, body.RollbackWebhookUrl, details, submit), ct),
        };
    }

    /// <summary>What can be said without the store: missing fields, unknown kinds and risks, fields of another kind. All at once.</summary>
    private static Dictionary<string, string[]> Check(NewChangeBody body)
    {
        var errors = new Dictionary<string, string[]>();
        void Missing(string field, string? value, string what)
        {
            if (value is null)
                errors[field] = [$"Give {what} ('{field}')."];
        }

        // Before anything else reads them: a NUL would otherwise reach the store (PostgreSQL refuses it in text).
        foreach (var (field, value, multiLine) in new (string, string?, bool)[]
                 {
                     ("kind", body.Kind, false), ("targetName", body.TargetName, false), ("title", body.Title, false), ("reason", body.Reason, true),
                     ("ticketUrl", body.TicketUrl, false), ("risk", body.Risk, false), ("parameter", body.Parameter, false), ("value", body.Value, false),
                     ("forwardScript", body.ForwardScript, true), ("rollbackScript", body.RollbackScript, true), ("description", body.Description, true),
                     ("rollbackSteps", body.RollbackSteps, true), ("rollbackWebhookUrl", body.RollbackWebhookUrl, false),
                 })
            if (value is not null && TextRules.Problem(value, multiLine) is { } problem)
                errors[field] = [$"'{field}' {problem}."];
        if (errors.Count > 0)
            return errors;

        Missing("kind", body.Kind, "the kind of change: setting, sql or external");
        Missing("title", body.Title, "a title");
        Missing("reason", body.Reason, "a reason");
        Missing("risk", body.Risk, "the risk: low, medium or high");
        if (body.TargetName is null && body.TargetId is null)
            errors["targetName"] = ["Give the target, by 'targetName' or 'targetId'."];
        if (body.TargetName is not null && body.TargetId is not null)
            errors["targetId"] = ["Give the target by 'targetName' or by 'targetId', not both."];
        if (body.Risk is not null && !Enum.GetNames<ChangeRisk>().Contains(body.Risk.Trim(), StringComparer.OrdinalIgnoreCase))
            errors["risk"] = [$"The risk is low, medium or high, not '{Shorten(body.Risk)}'."];
        if (body.Kind is null)
            return errors;
        if (!Kinds.TryGetValue(body.Kind, out var kind))
        {
            errors["kind"] = [$"The kind is setting, sql or external, not '{Shorten(body.Kind)}'."];
            return errors;
        }

        var given = new Dictionary<string, string?>
        {
            ["parameter"] = body.Parameter, ["value"] = body.Value, ["forwardScript"] = body.ForwardScript, ["rollbackScript"] = body.RollbackScript,
            ["description"] = body.Description, ["rollbackSteps"] = body.RollbackSteps, ["rollbackWebhookUrl"] = body.RollbackWebhookUrl,
        };
        foreach (var (field, value) in given.Where(g => g.Value is not null && !FieldsOfKind[kind].Contains(g.Key)))
            errors[field] = [$"'{field}' is not a field of a {body.Kind.ToLowerInvariant()} change."];
        foreach (var field in FieldsOfKind[kind].Where(f => f != "rollbackWebhookUrl"))
            Missing(field, given[field], $"the {field} of a {body.Kind.ToLowerInvariant()} change");
        return errors;
    }

    private static async Task<(Guid Id, string Name)?> ResolveTargetAsync(TargetRegistry targets, NewChangeBody body, CancellationToken ct)
    {
        if (body.TargetId is { } id)
        {
            var target = await targets.GetAsync(id, ct);
            return (target.Id, target.Name);
        }
        var named = (await targets.ListAsync(ct)).FirstOrDefault(t => t.Name == body.TargetName!.Trim());
        return named is null ? null : (named.Id, named.Name);
    }

    private static async Task<IResult> ListAsync(ChangeRegistry registry, TargetRegistry targets, string? target, string? status, string? kind,
        string? risk, string? search, string? skip, string? take, CancellationToken ct)
    {
        var errors = QueryText.Check(("target", target), ("status", status), ("kind", kind), ("risk", risk), ("search", search), ("skip", skip), ("take", take));
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)), title: "Invalid filter");
        var filter = new ChangeFilter(
            Status: ParseEnum<ChangeStatus>(status, "status", errors),
            Kind: ParseEnum<ChangeKind>(kind, "kind", errors),
            Risk: ParseEnum<ChangeRisk>(risk, "risk", errors),
            Search: string.IsNullOrWhiteSpace(search) ? null : search,
            Skip: ParseInt(skip, "skip", 0, 0, int.MaxValue, errors),
            Take: ParseInt(take, "take", 50, 1, 500, errors));
        if (!string.IsNullOrWhiteSpace(target))
        {
            var named = (await targets.ListAsync(includeRetired: true, ct)).FirstOrDefault(t => t.Name == target.Trim());
            if (named is null)
                errors["target"] = [$"There is no target named '{Shorten(target)}'."];
            else
                filter = filter with { TargetId = named.Id };
        }
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)), title: "Invalid filter");

        var page = await registry.ListAsync(filter, ct);
        return Results.Ok(new ChangeListView(page.Items.Select(ChangeSummaryView.Of).ToList(), page.Total, filter.Skip, filter.Take));
    }

    private static async Task<IResult> GetAsync(int number, HttpContext http, ChangeRegistry registry, TargetRegistry targets, CancellationToken ct)
    {
        var change = await registry.GetByNumberAsync(number, ct);
        if (change is null)
            return Results.Problem($"There is no change #{number}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        var target = await targets.GetAsync(change.TargetId, ct);
        return Results.Ok(ChangeView.Of(change, target.Name, http.User.ToApiKeyActor()));
    }

    /// <summary>Accepts the API's snake_case names (in_review) and the enum's own (InReview), never numbers.</summary>
    private static TEnum? ParseEnum<TEnum>(string? text, string field, Dictionary<string, string[]> errors) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var match = Enum.GetValues<TEnum>().Where(v => string.Equals(ChangeView.Name(v), text.Trim(), StringComparison.OrdinalIgnoreCase)
                                                   || string.Equals(v.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        if (match.Count == 1)
            return match[0];
        errors[field] = [$"'{Shorten(text)}' is not a {field}: use one of {string.Join(", ", Enum.GetValues<TEnum>().Select(v => ChangeView.Name(v)))}."];
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

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
