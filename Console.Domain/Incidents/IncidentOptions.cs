using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Domain.Incidents;

public sealed class IncidentOptions : IValidatedOptions
{
    public const string Section = "Incidents";

    /// <summary>How far before onset the changes on the affected target are suspects.</summary>
    public TimeSpan LookBack { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long health must stay normal after recovering before the console proposes resolving the incident.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the watcher looks at open incidents: suspects, lock events on their target, health.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A lock wait at least this long on an incident's target is written on its timeline.</summary>
    public TimeSpan LongLockWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Health counts as normal when at most this share of the last minute's checkout attempts failed.</summary>
    public double HealthyFailureRate { get; set; } = 0.05;

    /// <summary>The fewest checkout attempts in the last minute to judge health by (fewer: health is unknown, nothing is written).</summary>
    public int HealthMinimumAttempts { get; set; } = 10;

    /// <summary>The console's address as people reach it (<c>https://ops.example.com</c>), for links in notices; empty: links are relative (<c>/incidents/12</c>).</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>The incident's page: <c>{PublicBaseUrl}/incidents/{number}</c>, or relative when no base is set.</summary>
    public string LinkTo(int number) => $"{PublicBaseUrl.Trim().TrimEnd('/')}/incidents/{number}";

    public string? Problem() => First(
        AtLeast("Incidents:LookBack", LookBack, TimeSpan.FromMinutes(1)),
        AtLeast("Incidents:QuietPeriod", QuietPeriod, TimeSpan.FromSeconds(1)),
        AtLeast("Incidents:WatchInterval", WatchInterval, TimeSpan.FromMilliseconds(100)),
        AtLeast("Incidents:LongLockWait", LongLockWait, TimeSpan.FromMilliseconds(100)),
        HealthyFailureRate is >= 0 and < 1 ? null : $"Incidents:HealthyFailureRate is a share from 0 to 1 (0.05 is 5 %); it is {HealthyFailureRate}.",
        AtLeast("Incidents:HealthMinimumAttempts", HealthMinimumAttempts, 1),
        PublicBaseUrlProblem());

    private string? PublicBaseUrlProblem() =>
        string.IsNullOrWhiteSpace(PublicBaseUrl)
        || Uri.TryCreate(PublicBaseUrl.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? null
            : $"{Section}:PublicBaseUrl must be an absolute http(s) URL without a query, such as https://ops.example.com.";
}
