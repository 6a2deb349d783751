using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;

namespace OpsConsole.Web.Api;

/// <summary>The body of <c>POST /api/v1/changes/{number}/rehearsals</c>.</summary>
public sealed class RehearsalBody
{
    /// <summary>The staging target's name; or none, with <see cref="Throwaway"/>.</summary>
    public string? Target { get; set; }

    /// <summary>True: on a throwaway staging cluster the console creates for this rehearsal and removes when it ends.</summary>
    public bool? Throwaway { get; set; }

    /// <summary>The profile: its name (any case), or a word of it that fits one profile only ("peak").</summary>
    public string? Profile { get; set; }
}

/// <summary>
/// A rehearsal as the API shows it. <c>status</c> is queued, running, passed, failed, cancelled or not_run; <c>phase</c>
/// preparing, baseline, applying, with_change, reverting or done. <c>plannedSeconds</c> is the estimate a progress bar uses,
/// <c>elapsedSeconds</c> measured by the console. <c>report</c> (both sides, every round, medians and spread, the checks)
/// comes once both sides have run, and only when one rehearsal is read, never in a list.
/// </summary>
public sealed record RehearsalView(
    Guid Id,
    int Change,
    string Target,
    string Profile,
    string Status,
    string Phase,
    string PhaseText,
    int Round,
    int Rounds,
    string StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    double PlannedSeconds,
    double ElapsedSeconds,
    bool CancelRequested,
    string? Reason,
    string? Verdict,
    string? RevertOutcome,
    bool? RevertExact,
    RehearsalReport? Report)
{
    public bool IsUnderWay => Status is "queued" or "running";

    public static RehearsalView Of(Rehearsal r, DateTimeOffset now, bool withReport)
    {
        var elapsed = r.StartedAt is { } started ? (r.EndedAt ?? now) - started : TimeSpan.Zero;
        return new(r.Id, r.ChangeNumber, r.TargetName, r.ProfileName, ChangeView.Name(r.Status), ChangeView.Name(r.Phase), RehearsalStatusText.Of(r.Phase),
            r.Round, r.Rounds, r.StartedBy, r.CreatedAt, r.StartedAt, r.EndedAt, RehearsalPlan.Planned(r.ProfileSettings).TotalSeconds,
            Math.Round(Math.Max(0, elapsed.TotalSeconds), 1), r.CancelRequestedAt is not null, r.Reason, r.Verdict, r.RevertOutcome, r.RevertExact,
            withReport ? r.ReadReport() : null);
    }
}

/// <summary>A change's rehearsals, newest first (without their reports: read one at <c>/api/v1/rehearsals/{id}</c>).</summary>
public sealed record RehearsalListView(int Change, IReadOnlyList<RehearsalView> Items);
