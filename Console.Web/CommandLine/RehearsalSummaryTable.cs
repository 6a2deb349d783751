using System.Globalization;
using System.Text;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Web.Api;

namespace OpsConsole.Web.CommandLine;

/// <summary>
/// The report as a plain-text table, baseline beside the change: checkouts, throughput, failure rate (and each class that
/// failed on either side), deadlocks, lock timeouts, the longest lock wait and p50/p95/p99; with several rounds each cell is
/// the median and its spread [min-max]. Then the verdict with each check's reason, and what the revert of staging found.
/// </summary>
public static class RehearsalSummaryTable
{
    public static string Of(RehearsalView r)
    {
        var text = new StringBuilder();
        var rounds = r.Rounds == 1 ? "1 round" : $"{r.Rounds} rounds";
        text.AppendLine($"Change #{r.Change} rehearsed on {r.Target} with \"{r.Profile}\": {rounds}, {RehearsalProgressLine.Clock(r.ElapsedSeconds)}");
        if (r.Report is { } report)
        {
            text.AppendLine();
            AppendTable(text, report.BaselineSummary, report.WithChangeSummary);
            text.AppendLine();
            text.AppendLine($"Verdict: {(report.Verdict.Passed ? "PASS" : "FAIL")}");
            foreach (var check in report.Verdict.Checks)
                text.AppendLine($"  {(check.Passed ? "ok  " : "FAIL")} {check.Reason}");
        }
        else
        {
            text.AppendLine($"Outcome: {StatusText(r.Status)}{(r.Reason is null ? "" : $": {r.Reason}")}");
        }
        if (r.RevertOutcome is not null)
            text.AppendLine($"Staging: {r.RevertOutcome}{(r.RevertExact == false ? " (NOT exact: see the console's audit log)" : "")}");
        return text.ToString();
    }

    public static string StatusText(string status) => status == "not_run" ? "could not run" : status;

    private static void AppendTable(StringBuilder text, RoundsSummary before, RoundsSummary after)
    {
        var rows = new List<(string Figure, Spread? Before, Spread? After, Func<double, string> Format)>
        {
            ("Checkouts", before.Attempted, after.Attempted, Whole),
            ("Throughput", before.ThroughputPerSecond, after.ThroughputPerSecond, v => $"{Number(v, "0.0")} /s"),
            ("Failure rate", before.FailureRate, after.FailureRate, v => $"{Number(v * 100, "0.0")} %"),
        };
        foreach (var failureClass in before.FailuresByClass.Keys.Union(after.FailuresByClass.Keys).Order(StringComparer.Ordinal))
        {
            var (b, a) = (before.FailuresByClass.GetValueOrDefault(failureClass), after.FailuresByClass.GetValueOrDefault(failureClass));
            if ((b?.Max ?? 0) > 0 || (a?.Max ?? 0) > 0)
                rows.Add(($"  {failureClass}", b, a, Whole));
        }
        rows.AddRange(
        [
            ("Deadlocks", before.Deadlocks, after.Deadlocks, Whole),
            ("Lock timeouts", before.LockTimeouts, after.LockTimeouts, Whole),
            ("Longest lock wait", before.LongestLockWaitSeconds, after.LongestLockWaitSeconds, v => $"{Number(v, "0.0")} s"),
            ("p50", before.P50Ms, after.P50Ms, Milliseconds),
            ("p95", before.P95Ms, after.P95Ms, Milliseconds),
            ("p99", before.P99Ms, after.P99Ms, Milliseconds),
        ]);
        var spread = before.Rounds > 1 || after.Rounds > 1;
        var cells = rows.Select(row => (row.Figure, Cell(row.Before, row.Format, spread), Cell(row.After, row.Format, spread))).ToList();
        var (first, second) = (cells.Max(c => c.Figure.Length) + 2, Math.Max("Baseline".Length, cells.Max(c => c.Item2.Length)) + 3);
        text.AppendLine($"{"".PadRight(first)}{"Baseline".PadRight(second)}With change");
        foreach (var (figure, b, a) in cells)
            text.AppendLine($"{figure.PadRight(first)}{b.PadRight(second)}{a}".TrimEnd());
        if (spread)
            text.AppendLine($"(median of {before.Rounds} rounds, [min-max])");
    }

    private static string Cell(Spread? value, Func<double, string> format, bool spread) => value is null
        ? "none ended"
        : spread ? $"{format(value.Median)} [{format(value.Min)}-{format(value.Max)}]" : format(value.Median);

    private static string Whole(double value) => Number(value, "0.#");

    private static string Milliseconds(double value) => $"{Number(value, "0")} ms";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
