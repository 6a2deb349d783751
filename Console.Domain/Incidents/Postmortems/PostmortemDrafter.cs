using System.Globalization;
using System.Text;

namespace OpsConsole.Domain.Incidents.Postmortems;

/// <summary>
/// Drafts a postmortem in Markdown from an incident's facts, with the sections managers know: Summary (duration, impact,
/// root cause), Timeline, Root cause and resolution, Corrective and preventive measures. Pure: the same facts give the
/// same text. Times are written in one zone, named with its UTC offset, as the document travels beyond the console.
/// </summary>
public static class PostmortemDrafter
{
    public const string SummaryHeading = "## Summary";
    public const string TimelineHeading = "## Timeline";
    public const string RootCauseHeading = "## Root cause and resolution";
    public const string MeasuresHeading = "## Corrective and preventive measures";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Draft(PostmortemFacts facts, IReadOnlyList<PostmortemActionLine>? actionItems = null, TimeZoneInfo? zone = null)
    {
        var clock = new Clock(zone ?? TimeZoneInfo.Utc, facts.Times.Onset);
        var cause = CauseOf(facts.Suspects);
        var md = new StringBuilder();
        md.Append("# Postmortem: incident #").Append(facts.IncidentNumber).Append(", ").AppendLine(OneLine(facts.Title)).AppendLine();
        WriteSummary(md, facts, cause, clock);
        WriteTimeline(md, facts, clock);
        WriteRootCause(md, facts, cause, clock);
        WriteMeasures(md, cause, actionItems ?? []);
        return md.ToString();
    }

    /// <summary>The change marked as the cause, else the one rolled back first; null when none was.</summary>
    private static PostmortemSuspect? CauseOf(IReadOnlyList<PostmortemSuspect> suspects) =>
        suspects.FirstOrDefault(s => s.MarkedCause)
        ?? suspects.Where(s => s.RolledBackAt is not null).OrderBy(s => s.RolledBackAt).FirstOrDefault();

    private static void WriteSummary(StringBuilder md, PostmortemFacts facts, PostmortemSuspect? cause, Clock clock)
    {
        md.AppendLine(SummaryHeading).AppendLine();
        var where = new[] { Labeled("service", facts.Service), Labeled("target", facts.TargetName), Labeled("commander", facts.Commander) }
            .Where(part => part is not null);
        md.Append("**Severity:** ").Append(OneLine(facts.Severity)).Append(string.Concat(where.Select(part => " · " + part))).AppendLine("  ");

        var (times, durations) = (facts.Times, facts.Durations);
        md.Append("**Duration:** ");
        md.Append(durations.Total is { } total ? $"{Duration(total)} in all, from onset at " : "ongoing, from onset at ").Append(clock.Time(times.Onset));
        var phases = new[] { Phase("detected", durations.ToDetect), Phase("identified", durations.ToIdentify), Phase("recovered", durations.ToRecover) }
            .Where(phase => phase is not null).ToList();
        if (phases.Count > 0)
            md.Append("; ").Append(string.Join(", ", phases));
        md.AppendLine(".  ");

        md.Append("**Impact:** ").Append(ImpactText(facts.Impact)).AppendLine("  ");
        md.Append("**Root cause:** ").AppendLine(cause is null
            ? "not identified. " + (string.IsNullOrWhiteSpace(facts.FailureSummary) ? "" : OneLine(facts.FailureSummary).TrimEnd('.') + ".")
            : $"{ChangeName(cause)}{(cause.Evidence.Count > 0 ? ", " + OneLine(cause.Evidence[0]) : "")}.");
        md.AppendLine();
    }

    private static void WriteTimeline(StringBuilder md, PostmortemFacts facts, Clock clock)
    {
        md.AppendLine(TimelineHeading).AppendLine();
        var entries = facts.Timeline.OrderBy(e => e.At).ToList();
        if (entries.Count == 0)
        {
            md.AppendLine("_No timeline entries were recorded._").AppendLine();
            return;
        }
        var oneDay = entries.All(e => clock.Local(e.At).Date == clock.Local(facts.Times.Onset).Date);
        md.Append("Times in ").Append(clock.ZoneName).Append(oneDay ? $" on {clock.Local(facts.Times.Onset):yyyy-MM-dd}" : "").AppendLine(".").AppendLine();
        md.AppendLine("| Time | What | Who | Details |").AppendLine("|---|---|---|---|");
        foreach (var entry in entries)
            md.Append("| ").Append(oneDay ? clock.Local(entry.At).ToString("HH:mm:ss", Invariant) : clock.Local(entry.At).ToString("yyyy-MM-dd HH:mm:ss", Invariant))
              .Append(" | ").Append(Cell(entry.Kind)).Append(" | ").Append(Cell(entry.Actor ?? "console")).Append(" | ").Append(Cell(entry.Text)).AppendLine(" |");
        md.AppendLine();
    }

    private static void WriteRootCause(StringBuilder md, PostmortemFacts facts, PostmortemSuspect? cause, Clock clock)
    {
        md.AppendLine(RootCauseHeading).AppendLine();
        if (cause is null)
        {
            md.AppendLine("No change was identified as the cause.");
            if (!string.IsNullOrWhiteSpace(facts.FailureSummary))
                md.Append("Where the failures were: ").Append(OneLine(facts.FailureSummary).TrimEnd('.')).AppendLine(".");
            md.AppendLine().AppendLine("_Describe the root cause here._").AppendLine();
        }
        else
        {
            md.Append("**Cause:** ").Append(ChangeName(cause)).Append(cause.MarkedCause ? ", marked as the cause" : ", rolled back as the likely cause")
              .Append(" (").Append(cause.Strength.ToString().ToLowerInvariant()).AppendLine(" suspect).").AppendLine();
            if (cause.Evidence.Count > 0)
            {
                md.AppendLine("Evidence:").AppendLine();
                foreach (var evidence in cause.Evidence)
                    md.Append("- ").AppendLine(OneLine(evidence));
                md.AppendLine();
            }
            md.Append("**Resolution:** ");
            if (cause.RolledBackAt is { } rolledBack)
                md.Append("change #").Append(cause.ChangeNumber).Append(" was rolled back at ").Append(clock.Time(rolledBack))
                  .Append(" through the console's rollback procedure")
                  .Append(facts.Times.Recovered is { } recovered ? $"; checkout health was back to normal at {clock.Time(recovered)}." : ".");
            else
                md.Append("_describe how service was restored._");
            md.AppendLine().AppendLine();
        }
        var others = facts.Suspects.Where(s => s != cause).ToList();
        if (others.Count > 0)
        {
            md.AppendLine("Other suspects considered:").AppendLine();
            foreach (var other in others)
                md.Append("- ").Append(ChangeName(other)).Append(" (").Append(other.Strength.ToString().ToLowerInvariant()).Append(")")
                  .AppendLine(other.Evidence.Count > 0 ? ": " + string.Join("; ", other.Evidence.Select(OneLine)) : "");
            md.AppendLine();
        }
    }

    private static void WriteMeasures(StringBuilder md, PostmortemSuspect? cause, IReadOnlyList<PostmortemActionLine> items)
    {
        md.AppendLine(MeasuresHeading).AppendLine();
        foreach (var item in items)
            md.Append(item.Status == ActionItemStatus.Done ? "- [x] " : "- [ ] ").Append(OneLine(item.Title))
              .Append(" (owner ").Append(OneLine(item.Owner))
              .Append(item.Due is { } due ? $", due {due.ToString("yyyy-MM-dd", Invariant)}" : "")
              .Append(item.Status == ActionItemStatus.InProgress ? ", in progress" : "").AppendLine(")");
        if (items.Count == 0)
        {
            md.AppendLine("_Add action items in the console: each has an owner, a due date and a status._").AppendLine();
            if (cause?.Parameter is { Length: > 0 } parameter)
                md.Append("To consider: a review rule or alert for changes to `").Append(parameter)
                  .AppendLine("` on production targets, and a rehearsal under peak load before such a change is applied.");
        }
    }

    private static string ImpactText(PostmortemImpact? impact)
    {
        if (impact is null || impact.Attempts == 0)
            return "no checkout figures over the incident window.";
        var text = $"{impact.FailedCheckouts.ToString("N0", Invariant)} failed checkouts, {(impact.FailedShare * 100).ToString("0.0", Invariant)} % of "
                   + $"{impact.Attempts.ToString("N0", Invariant)} attempts";
        if (impact.EstimatedLostRevenue is { } lost)
            text += $"; estimated lost revenue {lost.ToString("N2", Invariant)}{(string.IsNullOrWhiteSpace(impact.Currency) ? "" : " " + impact.Currency)}";
        return text + ".";
    }

    private static string ChangeName(PostmortemSuspect suspect) =>
        $"change #{suspect.ChangeNumber} \"{OneLine(suspect.Title)}\"{(string.IsNullOrWhiteSpace(suspect.Parameter) ? "" : $" (`{suspect.Parameter}`)")}";

    private static string? Labeled(string label, string? value) => string.IsNullOrWhiteSpace(value) ? null : $"{label} {OneLine(value)}";

    private static string? Phase(string what, TimeSpan? after) => after is { } span ? $"{what} after {Duration(span)}" : null;

    /// <summary>A duration as people say it in a report: "1 h 18 min", "4 min", "40 s".</summary>
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => $"{Math.Max(0, (int)span.TotalSeconds)} s",
        { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min",
        _ => $"{(int)span.TotalHours} h {span.Minutes} min",
    };

    /// <summary>Text from the incident on one line: a line break would end a list item or a table row.</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Cell(string text) => OneLine(text).Replace("|", "\\|");

    private sealed class Clock(TimeZoneInfo zone, DateTimeOffset reference)
    {
        public string ZoneName { get; } = zone == TimeZoneInfo.Utc ? "UTC" : $"{zone.Id} (UTC{Offset(zone.GetUtcOffset(reference))})";

        public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone);

        public string Time(DateTimeOffset at)
        {
            var local = Local(at);
            return $"{local.ToString("yyyy-MM-dd HH:mm", Invariant)} {(zone == TimeZoneInfo.Utc ? "UTC" : "UTC" + Offset(local.Offset))}";
        }

        private static string Offset(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", Invariant);
    }
}
