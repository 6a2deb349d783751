namespace OpsConsole.Domain.Rehearsals.Runs;

/// <summary>
/// Where a rehearsal is: Queued and Running are under way (at most one per staging target, enforced by the store);
/// Passed and Failed carry a verdict; Cancelled was stopped by a person; NotRun could not run (the reason says why:
/// staging did not answer, the change failed to apply, the console stopped midway).
/// </summary>
public enum RehearsalStatus { Queued, Running, Passed, Failed, Cancelled, NotRun }

/// <summary>The step a running rehearsal is in.</summary>
public enum RehearsalPhase { Preparing, Baseline, Applying, WithChange, Reverting, Done }

public static class RehearsalStatusText
{
    public static bool IsUnderWay(RehearsalStatus status) => status is RehearsalStatus.Queued or RehearsalStatus.Running;

    public static string Of(RehearsalStatus status) => status switch
    {
        RehearsalStatus.NotRun => "could not run",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Of(RehearsalPhase phase) => phase switch
    {
        RehearsalPhase.Preparing => "preparing staging",
        RehearsalPhase.Baseline => "baseline run",
        RehearsalPhase.Applying => "applying the change on staging",
        RehearsalPhase.WithChange => "run with the change",
        RehearsalPhase.Reverting => "reverting staging",
        _ => "done",
    };
}
