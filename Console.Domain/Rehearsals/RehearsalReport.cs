namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// Both sides of a rehearsal side by side: every round's figures (with their series, for the charts), each side's median
/// and spread, and the verdict on the medians against the profile's thresholds. What a report page, the command line's
/// <c>--out</c> JSON and the API show.
/// </summary>
public sealed record RehearsalReport(
    RehearsalThresholds Thresholds,
    IReadOnlyList<RunFigures> Baseline,
    IReadOnlyList<RunFigures> WithChange,
    RoundsSummary BaselineSummary,
    RoundsSummary WithChangeSummary,
    RehearsalVerdict Verdict)
{
    /// <summary>Rounds are paired (baseline, change, alternated); both sides need at least one.</summary>
    public static RehearsalReport Of(IReadOnlyList<RunFigures> baseline, IReadOnlyList<RunFigures> withChange, RehearsalThresholds thresholds)
    {
        var (before, after) = (RoundsSummary.Of(baseline), RoundsSummary.Of(withChange));
        return new RehearsalReport(thresholds, baseline, withChange, before, after, RehearsalVerdict.Judge(before, after, thresholds));
    }
}
