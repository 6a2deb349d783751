using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using OpsConsole.Domain.Audit;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Api;

/// <summary>
/// Audit trail downloads for signed-in users: the Audit page's filter as query parameters, the file streamed as it is read.
/// A file download cannot come from an interactive component, hence an endpoint.
/// </summary>
public static class AuditEndpoints
{
    public const string ExportPath = "/audit/export";

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ExportPath, ExportAsync)
            .RequireAuthorization()
            .WithName("ExportAudit")
            .WithSummary("Download the audit entries matching a filter, as CSV or JSON, oldest first")
            .WithDescription($"At most {AuditQueries.MaxExportRows} entries; the headers X-Audit-Matching and X-Audit-Truncated say " +
                             "whether more matched. Needs a signed-in user; every export is audited (audit.exported).")
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> ExportAsync([AsParameters] AuditExportQuery query, HttpContext http, AuditQueries audit, AuditExports exports,
        TimeProvider time)
    {
        if (!query.TryParse(out var filter, out var format, out var problem))
            return TypedResults.ValidationProblem(problem);

        await exports.RecordAsync(http.User.ToActor(), filter, format, http.RequestAborted);

        var matching = await audit.CountAsync(filter, http.RequestAborted);
        http.Response.Headers["X-Audit-Matching"] = matching.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["X-Audit-Truncated"] = matching > AuditQueries.MaxExportRows ? "true" : "false";
        var extension = format == AuditExportFormat.Csv ? "csv" : "json";
        var contentType = format == AuditExportFormat.Csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        var fileName = $"audit-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.{extension}";
        return TypedResults.Stream(stream => audit.ExportAsync(filter, format, stream, http.RequestAborted), contentType, fileName);
    }
}

/// <summary>The export's query string: built by the Audit page, parsed by the endpoint, so both agree on the names.</summary>
public sealed record AuditExportQuery(string? Format, string? Actor, string? Action, string? Subject, string? Change, string? Outcome,
    string? From, string? To, string? Search)
{
    public static string UrlFor(AuditFilter filter, AuditExportFormat format)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["format"] = format.ToString().ToLowerInvariant(),
            ["actor"] = filter.Actor,
            ["action"] = filter.Action,
            ["subject"] = filter.Subject,
            ["change"] = filter.ChangeNumber?.ToString(CultureInfo.InvariantCulture),
            ["outcome"] = filter.Outcome?.ToString(),
            ["from"] = filter.From?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["to"] = filter.To?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["search"] = filter.Search,
        };
        return QueryHelpers.AddQueryString(AuditEndpoints.ExportPath, parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value)));
    }

    public bool TryParse(out AuditFilter filter, out AuditExportFormat format, out Dictionary<string, string[]> problem)
    {
        // Parsed here rather than bound, so that a bad value is a 400 naming the parameter like every other, and text
        // with a NUL never reaches the store's filters.
        problem = QueryText.Check(("format", Format), ("actor", Actor), ("action", Action), ("subject", Subject), ("change", Change),
            ("outcome", Outcome), ("from", From), ("to", To), ("search", Search));
        format = AuditExportFormat.Csv;
        filter = new AuditFilter();
        if (problem.Count > 0)
            return false;
        AuditOutcome? outcome = null;
        int? change = null;
        if (!string.IsNullOrWhiteSpace(Change))
        {
            if (int.TryParse(Change, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
                change = number;
            else
                problem["change"] = ["A change number is a whole number from 1."];
        }
        var from = Time(From, "from", problem);
        var to = Time(To, "to", problem);
        if (!Enum.TryParse(Format ?? "csv", ignoreCase: true, out format) || !Enum.IsDefined(format))
            problem["format"] = ["Use csv or json."];
        if (!string.IsNullOrWhiteSpace(Outcome))
        {
            if (Enum.TryParse<AuditOutcome>(Outcome, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
                outcome = parsed;
            else
                problem["outcome"] = [$"Use one of {string.Join(", ", Enum.GetNames<AuditOutcome>())}."];
        }
        filter = new AuditFilter(Actor, Action, Subject, change, outcome, from, to, Search);
        return problem.Count == 0;
    }

    private static DateTimeOffset? Time(string? text, string field, Dictionary<string, string[]> problem)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        problem[field] = [$"'{field}' is an ISO 8601 time, e.g. 2026-11-25T20:00:00Z."];
        return null;
    }
}
