using OpsConsole.Domain;

namespace OpsConsole.Web.Hosting.Telemetry;

/// <summary>The Prometheus scrape endpoint of the console's own metrics (<c>Telemetry:Metrics</c>).</summary>
public sealed class MetricsOptions : IValidatedOptions
{
    public const string Section = "Telemetry:Metrics";

    /// <summary>Serve the metrics in Prometheus text format at <see cref="Path"/>. Off by default: nothing is exposed unasked.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where the scrape endpoint answers.</summary>
    public string Path { get; set; } = "/metrics";

    public string? Problem() =>
        Path.StartsWith('/') && Path.Length > 1 && !Path.Contains('?') && !Path.Contains('#')
            ? null
            : $"Telemetry:Metrics:Path must be a path of its own, starting with '/' (e.g. /metrics); it is '{Path}'.";
}
