using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Web.Components.Shared.Charts;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>
/// A rehearsal's outcome as a reviewer reads it: the verdict with each threshold's reason, both sides figure by figure (the
/// median, and the spread across rounds when there were several), both runs second by second, the revert of staging and the
/// profile used. Everything shown comes from the stored report; a rehearsal that ended without one says why.
/// </summary>
public partial class RehearsalReportView
{
    [Parameter, EditorRequired] public required Rehearsal Rehearsal { get; set; }

    /// <summary>One figure side by side: the median of each side's rounds and their spread, written by <see cref="Format"/>.</summary>
    internal sealed record Row(string Key, string Label, Spread? Baseline, Spread? WithChange, Func<double, string> Format);

    private RehearsalReport? report;
    private IReadOnlyList<Row> rows = [];
    private int rounds;
    private (RunFigures Figures, string Label)? chartBaseline, chartChange;

    protected override void OnParametersSet()
    {
        report = Rehearsal.ReadReport();
        if (report is null)
            return;
        var (b, c) = (report.BaselineSummary, report.WithChangeSummary);
        rounds = Math.Max(b.Rounds, c.Rounds);
        var list = new List<Row>
        {
            new("checkouts", "Checkouts", b.Attempted, c.Attempted, RehearsalFormat.Count),
            new("succeeded", "Succeeded", b.Succeeded, c.Succeeded, RehearsalFormat.Count),
            new("throughput", "Throughput", b.ThroughputPerSecond, c.ThroughputPerSecond, RehearsalFormat.PerSecond),
            new("failure-rate", "Failure rate", b.FailureRate, c.FailureRate, RehearsalFormat.Percent),
        };
        // Every class either side counted, database classes first as on the health page; all-zero classes are left out.
        foreach (var name in b.FailuresByClass.Keys.Union(c.FailuresByClass.Keys).Order(StringComparer.Ordinal)
                     .OrderByDescending(n => n.StartsWith("db_", StringComparison.Ordinal)))
        {
            var (before, after) = (b.FailuresByClass.GetValueOrDefault(name), c.FailuresByClass.GetValueOrDefault(name));
            if ((before?.Max ?? 0) > 0 || (after?.Max ?? 0) > 0)
                list.Add(new($"failures-{name}", $"Failed: {name}", before, after, RehearsalFormat.Count));
        }
        list.AddRange(
        [
            new("deadlocks", "Deadlocks (pg_stat_database)", b.Deadlocks, c.Deadlocks, RehearsalFormat.Count),
            new("lock-timeouts", "Lock timeouts", b.LockTimeouts, c.LockTimeouts, RehearsalFormat.Count),
            new("longest-lock-wait", "Longest lock wait", b.LongestLockWaitSeconds, c.LongestLockWaitSeconds, RehearsalFormat.Seconds),
            new("p50", "p50 latency", b.P50Ms, c.P50Ms, v => RehearsalFormat.Ms(v)),
            new("p95", "p95 latency", b.P95Ms, c.P95Ms, v => RehearsalFormat.Ms(v)),
            new("p99", "p99 latency", b.P99Ms, c.P99Ms, v => RehearsalFormat.Ms(v)),
        ]);
        rows = list;
        chartBaseline = Charted(report.Baseline);
        chartChange = Charted(report.WithChange);
    }

    private bool ShowSpread => rounds > 1;

    private string Cell(Spread? spread, Func<double, string> format) => spread is null ? "—" : format(spread.Median);

    private string SpreadText(Spread? spread, Func<double, string> format) =>
        spread is null ? "" : $"{format(spread.Min)} – {format(spread.Max)}";

    /// <summary>
    /// The run a chart draws for a side: the only round, or the median round (by p95) of several, so that a chart shows a
    /// real run rather than an average of runs no shopper lived through.
    /// </summary>
    internal static (RunFigures Figures, string Label)? Charted(IReadOnlyList<RunFigures> runs)
    {
        if (runs.Count == 0)
            return null;
        if (runs.Count == 1)
            return (runs[0], "round 1");
        var ordered = runs.Select((r, i) => (Run: r, Round: i + 1)).OrderBy(x => x.Run.P95Ms ?? double.MaxValue).ToList();
        var median = ordered[(ordered.Count - 1) / 2];
        return (median.Run, $"median round ({median.Round})");
    }

    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch;

    private DateTimeOffset ChartEnd => Start.AddSeconds(Math.Max(1, Math.Max(chartBaseline?.Figures.Series.Count ?? 0, chartChange?.Figures.Series.Count ?? 0)));

    private static string Axis(DateTimeOffset at) => $"{(at - Start).TotalSeconds:0} s";

    private IReadOnlyList<ChartSeries> Lines(Func<RunSecond, double?> value)
    {
        var lines = new List<ChartSeries>();
        if (chartBaseline is { } b)
            lines.Add(new ChartSeries($"Baseline ({b.Label})", "series-baseline", b.Figures.Series.Select(value).ToList()));
        if (chartChange is { } c)
            lines.Add(new ChartSeries($"With the change ({c.Label})", "series-change", c.Figures.Series.Select(value).ToList()));
        return lines;
    }

    private string RevertText => Rehearsal.RevertOutcome ?? (Rehearsal.IsUnderWay ? "Staging is reverted when the rehearsal ends." : "No revert was recorded.");
}
