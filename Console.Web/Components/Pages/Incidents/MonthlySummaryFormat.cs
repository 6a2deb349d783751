using System.Globalization;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Incidents.Impact;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>How the monthly figures read, in the table, the chart's text alternative and its labels alike.</summary>
public static class MonthlySummaryFormat
{
    /// <summary>"November 2026": what a person picks and reads; the address and the API keep "2026-11".</summary>
    public static string MonthName(ReportMonth month) =>
        new DateTime(month.Year, month.Month, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>"Nov 26": short enough for a chart axis of two years.</summary>
    public static string AxisLabel(ReportMonth month) =>
        new DateTime(month.Year, month.Month, 1).ToString("MMM yy", CultureInfo.InvariantCulture);

    /// <summary>
    /// "45 s", "4 min 10 s", "1 h 18 min", "2 d 3 h"; "—" for a month with nothing to average. Seconds count while a
    /// mean is under an hour: detection is often that quick, and a manager compares months by it.
    /// </summary>
    public static string Mean(TimeSpan? mean) => mean switch
    {
        null => "—",
        { TotalMinutes: < 1 } m => $"{(int)m.TotalSeconds} s",
        { TotalHours: < 1 } m => $"{(int)m.TotalMinutes} min {m.Seconds} s",
        { } m => IncidentDurations.Words(m),
    };

    /// <summary>"33.3 %"; "—" for a month with no change applied (a rate of nothing is not zero).</summary>
    public static string Rate(double? rate) => IncidentFormat.Share(rate);

    /// <summary>The chart in words, for screen readers: every month's incidents and failed changes.</summary>
    public static string ChartText(IReadOnlyList<MonthFigures> months) =>
        "Incidents and failed changes per month: " + string.Join("; ", months.Select(m =>
            $"{MonthName(m.Month)}: {Count(m.Incidents, "incident")}, {Count(m.FailedChanges, "failed change")}"));

    public static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n.ToString(CultureInfo.InvariantCulture)} {what}s";
}
