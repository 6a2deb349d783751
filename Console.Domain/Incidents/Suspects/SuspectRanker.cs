namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>
/// Ranks the changes on an incident's target by how likely each is to have caused it, with the evidence in words. Pure:
/// the same changes, onset and failures always give the same ranking, so it is tested over crafted cases.
/// <para>
/// A score (0 to 1) adds three things. Relatedness (half): the share of failures in the classes the change's family
/// shows up as (a lock setting and 72 % deadlocks and lock timeouts give 0.72; the planner counts half). Nearness
/// (35 %): 1 at onset, half at <see cref="NearnessHalfWeight"/> before it. No review before it took effect (15 %):
/// drift nobody registered, or a change nobody approved. Relatedness weighs most because in the outage this console
/// exists for, the guilty change was hours old and the changes of the last minutes were innocent.
/// </para>
/// A change that took effect after onset cannot have started the failures, nor one rolled back before onset: they stay
/// listed, last and Weak. Only a change before onset, related to what fails, while the failures are mostly
/// database-class, is Strong: with payment-gateway failures, no change is.
/// </summary>
public static class SuspectRanker
{
    public const double RelatednessWeight = 0.5;
    public const double NearnessWeight = 0.35;
    public const double UnreviewedWeight = 0.15;
    public static readonly TimeSpan NearnessHalfWeight = TimeSpan.FromHours(6);

    /// <summary>Onset is known to the minute (buckets, an alert's hold time): a change this close after it counts as at onset.</summary>
    public static readonly TimeSpan OnsetGrace = TimeSpan.FromMinutes(1);

    public const double StrongScore = 0.5;
    public const double StrongRelatedness = 0.4;
    public const double PossibleScore = 0.3;

    /// <summary>Below this database share, database changes are not even possible suspects: the failures are elsewhere.</summary>
    public const double PossibleDatabaseShare = 0.25;

    public static SuspectFindings Rank(Guid targetId, DateTimeOffset onset, IEnumerable<SuspectCandidate> candidates, FailureProfile failures)
    {
        var suspects = candidates
            .Where(c => c.TargetId == targetId)
            .Select(c => Judge(c, onset, failures))
            .OrderByDescending(j => j.Suspect.Score)
            .ThenByDescending(j => j.Nearness)
            .ThenByDescending(j => j.Suspect.ChangeNumber)
            .Select(j => j.Suspect)
            .ToList();
        return new SuspectFindings(suspects, failures.Summary(), failures.DatabaseClass);
    }

    private sealed record Judgement(Suspect Suspect, double Nearness);

    private static Judgement Judge(SuspectCandidate change, DateTimeOffset onset, FailureProfile failures)
    {
        var relations = ChangeRelations.Of(change.Parameter, change.Text);
        var inEffectAtOnset = change.TookEffectAt <= onset + OnsetGrace && !(change.RolledBackAt <= onset);
        var nearness = inEffectAtOnset ? Nearness(onset - change.TookEffectAt) : 0;
        var (relatedness, relatedClasses) = Relatedness(relations, failures);
        var unreviewed = change.ReviewedBeforeEffect ? 0 : 1;

        var score = RelatednessWeight * relatedness + NearnessWeight * nearness + UnreviewedWeight * unreviewed;
        // Kept in the list for the record, but below every change that could have started the failures.
        if (!inEffectAtOnset)
            score *= 0.1;
        score = Math.Round(score, 3);

        var strength = !inEffectAtOnset ? SuspectStrength.Weak
            : failures.DatabaseClass && relatedness >= StrongRelatedness && score >= StrongScore ? SuspectStrength.Strong
            : (failures.Failures == 0 || failures.DatabaseShare >= PossibleDatabaseShare) && score >= PossibleScore ? SuspectStrength.Possible
            : SuspectStrength.Weak;

        List<string> evidence = [Timing(change, onset)];
        if (FailureEvidence(relations, relatedClasses, failures) is { } failureText)
            evidence.Add(failureText);
        evidence.AddRange(relations.Select(r => r.Why));
        evidence.Add(Review(change));

        return new Judgement(new Suspect(change.ChangeId, change.Number, change.Title, change.Parameter, score, strength, evidence)
        {
            TookEffectAt = change.TookEffectAt,
        }, nearness);
    }

    private static double Nearness(TimeSpan beforeOnset) =>
        beforeOnset <= TimeSpan.Zero ? 1 : 1 / (1 + beforeOnset / NearnessHalfWeight);

    /// <summary>The best of the change's families: the share of failures in the classes it shows up as, times how directly.</summary>
    private static (double Share, IReadOnlyList<string> Classes) Relatedness(IReadOnlyList<ChangeRelation> relations, FailureProfile failures)
    {
        var best = (Share: 0.0, Classes: (IReadOnlyList<string>)[]);
        foreach (var relation in relations)
        {
            var (classes, weight) = ChangeRelations.Causes[relation.Family];
            var share = failures.ShareOf(classes) * weight;
            if (share > best.Share)
                best = (share, failures.Present(classes));
        }
        return best;
    }

    private static string Timing(SuspectCandidate change, DateTimeOffset onset)
    {
        var verb = change.DetectedByDrift ? "detected" : "applied";
        var gap = onset - change.TookEffectAt;
        var when = gap.Duration() < OnsetGrace ? $"{verb} at onset"
            : gap > TimeSpan.Zero ? $"{verb} {DurationText(gap)} before onset"
            : $"{verb} {DurationText(-gap)} after onset: it cannot have started the failures";
        return change.RolledBackAt is { } rolledBack && rolledBack <= onset
            ? $"{when}; rolled back {DurationText(onset - rolledBack)} before onset, so not in effect when the failures began"
            : when;
    }

    private static string? FailureEvidence(IReadOnlyList<ChangeRelation> relations, IReadOnlyList<string> relatedClasses, FailureProfile failures)
    {
        if (failures.Failures == 0)
            return null;
        var outside = Checkout.ErrorClasses.All.Except(FailureProfile.DatabaseClasses);
        if (relatedClasses.Count > 0)
            return failures.DatabaseClass
                ? failures.ShareText(relatedClasses)
                : $"only {failures.ShareText(relatedClasses)}: most are {string.Join(" or ", failures.Present(outside))}";
        if (!failures.DatabaseClass)
            return $"failures are not database-class: {failures.ShareText(outside)}";
        return relations.Count == 0
            ? $"{failures.ShareText(FailureProfile.DatabaseClasses)}, but it touches none of locks, timeouts, isolation, connections or the planner"
            : $"{failures.ShareText(FailureProfile.DatabaseClasses)}, none of which {string.Join(" or ", relations.Select(r => Family(r.Family)))} trouble causes";
    }

    private static string Review(SuspectCandidate change) =>
        change.ReviewedBeforeEffect ? $"approved by {string.Join(" and ", change.ApprovedBeforeEffectBy)} before it took effect"
        : change.DetectedByDrift ? "detected by drift detection: nobody reviewed it"
        : "nobody approved it before it took effect";

    private static string Family(ChangeFamily family) => family switch
    {
        ChangeFamily.Isolation => "isolation",
        ChangeFamily.Planner => "planner",
        _ => family.ToString().ToLowerInvariant()[..^1],
    };

    /// <summary>"3 h 10 min", "40 min", "under a minute".</summary>
    public static string DurationText(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min"
        : "under a minute";
}
