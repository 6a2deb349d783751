using System.Text.Json;
using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.Rehearsals.Runs;

/// <summary>
/// One rehearsal of a setting change on a staging target: who started it, with which profile (its settings copied, so a
/// later edit of the profile does not rewrite history), where it stands, and how it ended: the report with both sides
/// and the verdict, why it could not run, and what the revert of staging found. The store allows one under way per
/// staging target (a unique index over Queued and Running).
/// </summary>
public sealed class Rehearsal
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid ChangeId { get; private set; }
    public int ChangeNumber { get; private set; }
    public Guid TargetId { get; private set; }
    public string TargetName { get; private set; } = "";
    public string ProfileName { get; private set; } = "";
    /// <summary>The profile's settings when the rehearsal started (<see cref="RehearsalProfileSettings"/> as JSON).</summary>
    public string Profile { get; private set; } = "";
    public string StartedById { get; private set; } = "";
    public string StartedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    /// <summary>The console instance running it: while that instance heartbeats, nobody else declares it interrupted.</summary>
    public Guid InstanceId { get; private set; }
    public RehearsalStatus Status { get; private set; }
    public RehearsalPhase Phase { get; private set; }
    /// <summary>The round under way (1-based), of <see cref="Rounds"/>.</summary>
    public int Round { get; private set; }
    public int Rounds { get; private set; }
    public DateTimeOffset? CancelRequestedAt { get; private set; }
    public string? CancelRequestedBy { get; private set; }
    /// <summary>Why it could not run or was stopped, in words.</summary>
    public string? Reason { get; private set; }
    /// <summary>The <see cref="RehearsalReport"/> as JSON, once both sides have run.</summary>
    public string? Report { get; private set; }
    public string? Verdict { get; private set; }
    /// <summary>What the revert of staging found (<see cref="Staging.RestoreResult.Summary"/>), and whether it was exact.</summary>
    public string? RevertOutcome { get; private set; }
    public bool? RevertExact { get; private set; }

    private Rehearsal() { }

    public Rehearsal(Guid changeId, int changeNumber, Guid targetId, string targetName, RehearsalProfileSettings profile, Actor actor, Guid instanceId,
        DateTimeOffset now)
    {
        (ChangeId, ChangeNumber, TargetId, TargetName) = (changeId, changeNumber, targetId, targetName);
        (ProfileName, Profile, Rounds) = (profile.Name, JsonSerializer.Serialize(profile, Json), profile.Rounds);
        (StartedById, StartedBy, InstanceId, CreatedAt) = (actor.AuthorId, actor.Name, instanceId, now);
        Status = RehearsalStatus.Queued;
        Phase = RehearsalPhase.Preparing;
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool IsUnderWay => RehearsalStatusText.IsUnderWay(Status);

    public bool Passed => Status == RehearsalStatus.Passed;

    public RehearsalProfileSettings ProfileSettings => JsonSerializer.Deserialize<RehearsalProfileSettings>(Profile, Json)!;

    public RehearsalReport? ReadReport() => Report is null ? null : JsonSerializer.Deserialize<RehearsalReport>(Report, Json);

    public void Begin(DateTimeOffset now)
    {
        Status = RehearsalStatus.Running;
        StartedAt = now;
        Round = 1;
    }

    public void MoveTo(RehearsalPhase phase, int round)
    {
        (Phase, Round) = (phase, round);
    }

    public void RequestCancel(Actor actor, DateTimeOffset now)
    {
        if (!IsUnderWay)
            throw new DomainRuleException($"The rehearsal has ended ({RehearsalStatusText.Of(Status)}): there is nothing to cancel.");
        if (CancelRequestedAt is not null)
            return;
        (CancelRequestedAt, CancelRequestedBy) = (now, actor.Name);
    }

    /// <summary>Both sides ran: the verdict decides Passed or Failed.</summary>
    public void Finish(RehearsalReport report, DateTimeOffset now)
    {
        Report = JsonSerializer.Serialize(report, Json);
        Verdict = report.Verdict.Summary;
        End(report.Verdict.Passed ? RehearsalStatus.Passed : RehearsalStatus.Failed, null, now);
    }

    public void Cancel(DateTimeOffset now) => End(RehearsalStatus.Cancelled, $"Cancelled by {CancelRequestedBy ?? "the console"}.", now);

    public void CouldNotRun(string reason, DateTimeOffset now) => End(RehearsalStatus.NotRun, reason, now);

    public void RecordRevert(string outcome, bool exact)
    {
        (RevertOutcome, RevertExact) = (outcome, exact);
    }

    private void End(RehearsalStatus status, string? reason, DateTimeOffset now)
    {
        (Status, Reason, EndedAt, Phase) = (status, reason, now, RehearsalPhase.Done);
    }
}
