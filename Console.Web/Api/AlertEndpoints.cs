using System.Text.Json;
using OpsConsole.Domain.Alerts;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// Alerts from outside the console: Prometheus Alertmanager's webhook and a generic JSON alert, both with an API key of
/// scope alerts:write. Each body is parsed whole before anything is handed on (a bad alert refuses the batch, naming its
/// place), then <see cref="AlertIntake"/> checks the sender, audits and hands each alert to the incidents.
/// </summary>
public static class AlertEndpoints
{
    public const string BasePath = "/api/v1/alerts";
    /// <summary>Alertmanager sends a whole group at once; 1,000 alerts with their labels fit.</summary>
    public const int MaxAlertmanagerBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var alerts = endpoints.MapGroup(BasePath).WithTags("Alerts");

        alerts.MapPost("/alertmanager", AlertmanagerAsync)
            .RequireAuthorization(ApiKeyPolicies.AlertsWrite)
            .WithName("ReceiveAlertmanagerWebhook")
            .WithSummary("Take Prometheus Alertmanager's webhook (version 4): firing alerts open or join incidents")
            .WithDescription("Point an Alertmanager webhook receiver here, with an API key of scope alerts:write in the X-Api-Key header " +
                             "(http_config: http_headers). The label alertname names the alert; severity warning, info, ticket, low or none makes " +
                             "it a ticket, anything else a page; service (else job) is the service; target names a console target. The body is " +
                             "at most 1 MB and 1,000 alerts; one bad alert refuses the whole body, naming its place (alerts[2].startsAt).")
            .DescribesJsonBody<AlertmanagerWebhookBody>("Alertmanager's webhook body, version 4, as Alertmanager sends it.")
            .Produces<AlertsReceivedView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        alerts.MapPost("", GenericAsync)
            .RequireAuthorization(ApiKeyPolicies.AlertsWrite)
            .WithName("ReceiveAlert")
            .WithSummary("Take one alert from a script or a monitor: a page opens or joins an incident")
            .WithDescription("Needs an API key with the scope alerts:write. Required: key (the same key names the same alert until it " +
                             "resolves), name, service. Optional: status (firing, resolved), level (page, ticket), target, summary, startsAt, " +
                             "endsAt (resolved only), labels. Unknown fields are refused.")
            .DescribesJsonBody<GenericAlertBody>("One alert.")
            .Produces<AlertsReceivedView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return endpoints;
    }

    private static Task<IResult> AlertmanagerAsync(HttpContext http, AlertIntake intake, TimeProvider time) =>
        ReceiveAsync(http, intake, MaxAlertmanagerBytes, root => AlertmanagerParser.Parse(root, time.GetUtcNow()));

    private static Task<IResult> GenericAsync(HttpContext http, AlertIntake intake, TimeProvider time) =>
        ReceiveAsync(http, intake, JsonBodyReader.MaxBytes, root => GenericAlertParser.Parse(root, time.GetUtcNow()));

    private static async Task<IResult> ReceiveAsync(HttpContext http, AlertIntake intake, int maxBytes, Func<JsonElement, ParsedAlerts> parse)
    {
        var ct = http.RequestAborted;
        var (root, problem) = await JsonBodyReader.ReadObjectAsync(http.Request, maxBytes, ct);
        if (problem is not null)
            return problem;
        var parsed = parse(root);
        if (!parsed.IsValid)
            return Results.ValidationProblem(parsed.Errors.ToDictionary(), detail: string.Join(" ", parsed.Errors.Values.SelectMany(m => m).Take(5)),
                title: "Invalid alert");
        var receipts = await intake.ReceiveAsync(http.User.ToApiKeyActor(), parsed.Alerts, ct);
        return Results.Ok(new AlertsReceivedView(receipts.Count, receipts.Select(AlertReceiptView.Of).ToList()));
    }
}
