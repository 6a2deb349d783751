namespace OpsConsole.Domain.Incidents.Notifications;

/// <summary>How the console is reached from outside, for the links in notices.</summary>
public sealed class IncidentLinkOptions : IValidatedOptions
{
    // The incidents work binds this section too (Incidents:QuietPeriod, LookBack): at merge, one class should hold them all.
    public const string Section = "Incidents";

    /// <summary>The console's address as people reach it (<c>https://ops.example.com</c>); empty: links are relative (<c>/incidents/12</c>).</summary>
    public string PublicBaseUrl { get; set; } = "";

    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(PublicBaseUrl))
            return null;
        return Uri.TryCreate(PublicBaseUrl.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? null
            : $"{Section}:PublicBaseUrl must be an absolute http(s) URL without a query, such as https://ops.example.com.";
    }

    /// <summary>The incident's page: <c>{PublicBaseUrl}/incidents/{number}</c>, or relative when no base is set.</summary>
    public string LinkTo(int number) => $"{PublicBaseUrl.Trim().TrimEnd('/')}/incidents/{number}";
}
