using System.Text;
using OpsConsole.Domain.Incidents.Postmortems;

namespace OpsConsole.Web.Api;

/// <summary>A postmortem's latest version as a Markdown file, for signed-in users (Viewers too): a download cannot come from a circuit.</summary>
public static class PostmortemEndpoints
{
    public static string DownloadPath(Guid incidentId) => $"/postmortems/{incidentId}.md";

    public static IEndpointRouteBuilder MapPostmortemEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/postmortems/{incidentId:guid}.md", DownloadAsync)
            .RequireAuthorization()
            .WithName("DownloadPostmortem")
            .WithSummary("Download an incident's postmortem (latest version) as Markdown")
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> DownloadAsync(Guid incidentId, PostmortemService postmortems, HttpContext http)
    {
        var file = await postmortems.MarkdownFileAsync(incidentId, $"incident-{incidentId.ToString("N")[..8]}", http.RequestAborted);
        return file is null
            ? TypedResults.Problem("This incident has no postmortem yet.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.File(Encoding.UTF8.GetBytes(file.Markdown), "text/markdown; charset=utf-8", file.FileName);
    }
}
