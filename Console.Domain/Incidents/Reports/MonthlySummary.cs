using System.Globalization;
using OpsConsole.Domain.Incidents.Impact;

namespace OpsConsole.Domain.Incidents.Reports;

/// <summary>A calendar month in the reader's time zone.</summary>
public readonly record struct ReportMonth(int Year, int Month) : IComparable<ReportMonth>
{
    public static ReportMonth Of(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return new(local.Year, local.Month);
    }

    public ReportMonth Next() => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    public ReportMonth Previous() => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);

    /// <summary>The month <paramref name="months"/> before this one: the first of "the last N months" is <c>now.Back(N - 1)</c>.</summary>
    public ReportMonth Back(int months)
    {
        var index = Year * 12 + Month - 1 - months;
        return new(index / 12, index % 12 + 1);
    }

    /// <summary>How many months from <paramref name="first"/> to this one (0 for the same month, negative before it).</summary>
    public int MonthsSince(ReportMonth first) => (Year - first.Year) * 12 + Month - first.Month;

    /// <summary>"2026-03", as <see cref="ToString"/> writes it and as addresses and the API take it; nothing else parses.</summary>
    public static bool TryParse(string? text, out ReportMonth month)
    {
        month = default;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || year < 1 || m is < 1 or > 12)
            return false;
        month = new ReportMonth(year, m);
        return true;
    }

    /// <summary>The instant the month begins in <paramref name="zone"/>.</summary>
    public DateTimeOffset StartIn(TimeZoneInfo zone)
    {
        var local = new DateTime(Year, Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        // Where a zone skips midnight on the 1st, the month begins at the first instant that exists.
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(30);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public int CompareTo(ReportMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    public static bool operator <(ReportMonth a, ReportMonth b) => a.CompareTo(b) < 0;
    public static bool operator >(ReportMonth a, ReportMonth b) => a.CompareTo(b) > 0;
    public static bool operator <=(ReportMonth a, ReportMonth b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ReportMonth a, ReportMonth b) => a.CompareTo(b) >= 0;

    /// <summary>"2026-03", as charts label their axis.</summary>
    public override string ToString() => $"{Year:D4}-{Month.ToString("D2", CultureInfo.InvariantCulture)}";
}

/// <summary>What the summary needs of an incident: when it began, was detected and recovered (null while not yet).</summary>
public sealed record IncidentFacts(DateTimeOffset Onset, DateTimeOffset? DetectedAt, DateTimeOffset? RecoveredAt);

/// <summary>
/// What the summary needs of a registered change that was applied: when, and whether it failed (rolled back, a rollback
/// attempted, or linked to an incident as its cause).
/// </summary>
public sealed record ChangeFacts(Guid ChangeId, DateTimeOffset AppliedAt, bool RolledBack, bool LinkedToIncident)
{
    public bool Failed => RolledBack || LinkedToIncident;
}

/// <summary>One month of the managers' summary. Means and rates are null when there is nothing to average or divide by.</summary>
public sealed record MonthFigures(ReportMonth Month, int Incidents, TimeSpan? MeanTimeToDetect, TimeSpan? MeanTimeToRecover, int ChangesApplied,
    int FailedChanges, double? ChangeFailureRate);

/// <summary>
/// The managers' monthly arithmetic, pure: incidents per month (by onset), mean time to detect and to recover (from
/// onset, over the incidents that got there), and the change failure rate: applied changes that were rolled back or
/// linked to an incident, over changes applied, both by the month the change was applied in. Every month in the range
/// has a row, empty ones included, so that a chart has no gaps that read as missing data.
/// </summary>
public static class MonthlySummary
{
    public static IReadOnlyList<MonthFigures> Of(IEnumerable<IncidentFacts> incidents, IEnumerable<ChangeFacts> changes, ReportMonth first,
        ReportMonth last, TimeZoneInfo zone)
    {
        var incidentsByMonth = incidents.ToLookup(i => ReportMonth.Of(i.Onset, zone));
        var changesByMonth = changes.ToLookup(c => ReportMonth.Of(c.AppliedAt, zone));
        var months = new List<MonthFigures>();
        for (var month = first; month <= last; month = month.Next())
        {
            var monthIncidents = incidentsByMonth[month].ToList();
            var monthChanges = changesByMonth[month].ToList();
            var failed = monthChanges.Count(c => c.Failed);
            months.Add(new MonthFigures(month, monthIncidents.Count,
                Mean(monthIncidents.Select(i => IncidentDurations.FromOnset(i.Onset, i.DetectedAt))),
                Mean(monthIncidents.Select(i => IncidentDurations.FromOnset(i.Onset, i.RecoveredAt))),
                monthChanges.Count, failed, monthChanges.Count == 0 ? null : (double)failed / monthChanges.Count));
        }
        return months;
    }

    private static TimeSpan? Mean(IEnumerable<TimeSpan?> spans)
    {
        var known = spans.OfType<TimeSpan>().ToList();
        return known.Count == 0 ? null : TimeSpan.FromTicks((long)known.Average(s => s.Ticks));
    }
}
