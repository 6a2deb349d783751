using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Incidents.Impact;

/// <summary>Reads an incident's impact from the checkout minutes: for pages and endpoints, one call.</summary>
public sealed class IncidentImpactQuery(CheckoutHealth health)
{
    /// <summary>
    /// Impact from onset to <paramref name="end"/> (recovery, or now while it lasts), for the incident's service or all.
    /// An incident left open for longer than a series may span counts its first 31 days: the page must still open.
    /// </summary>
    public async Task<IncidentImpact> ReadAsync(DateTimeOffset onset, DateTimeOffset end, string? service, CancellationToken ct = default)
    {
        var start = CheckoutMinute.MinuteOf(onset);
        var last = start.AddMinutes(CheckoutHealth.MaxSeriesMinutes);
        var to = end > last ? last : end > start ? end : start.AddMinutes(1);
        return IncidentImpact.Of(await health.SeriesAsync(start, to, service, ct));
    }
}
