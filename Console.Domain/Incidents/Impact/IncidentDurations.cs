namespace OpsConsole.Domain.Incidents.Impact;

/// <summary>
/// How long an incident took, every span measured from onset (when checkout began to fail, not when someone noticed):
/// so time to detect is the part nobody knew, and the others read as "from the first failure". In the outage this
/// console exists for: detect 0 min (14:12), identify 58 min (15:10), recover 78 min (15:30), total 85 min (15:37).
/// A span is null while its end has not happened; an end before onset (onset is known to the minute) counts as zero.
/// </summary>
/// <param name="TimeToIdentify">To the first suspect rolled back or marked as the cause.</param>
/// <param name="Total">To resolution, or to now while the incident is not resolved (<see cref="Ongoing"/>).</param>
public sealed record IncidentDurations(TimeSpan? TimeToDetect, TimeSpan? TimeToIdentify, TimeSpan? TimeToRecover, TimeSpan Total, bool Ongoing)
{
    public static IncidentDurations Of(DateTimeOffset onset, DateTimeOffset? detected, DateTimeOffset? identified, DateTimeOffset? recovered,
        DateTimeOffset? resolved, DateTimeOffset now) =>
        new(FromOnset(onset, detected), FromOnset(onset, identified), FromOnset(onset, recovered), FromOnset(onset, resolved ?? now)!.Value, resolved is null);

    /// <summary>The span from onset to <paramref name="end"/>: null when it has not happened, zero when it came first.</summary>
    public static TimeSpan? FromOnset(DateTimeOffset onset, DateTimeOffset? end) =>
        end is { } at ? (at > onset ? at - onset : TimeSpan.Zero) : null;

    /// <summary>"45 s", "12 min", "1 h 25 min", "2 d 3 h": how durations read on incident pages and postmortems.</summary>
    public static string Words(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min"
        : $"{(int)span.TotalSeconds} s";
}
