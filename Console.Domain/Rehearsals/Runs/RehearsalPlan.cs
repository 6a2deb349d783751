namespace OpsConsole.Domain.Rehearsals.Runs;

/// <summary>
/// How long a rehearsal should take, for the progress bar's "time left": each round is a baseline run and a run with the
/// change, each its duration plus the moment its last checkouts take to end and its sessions to close, and the apply and
/// revert around them. An estimate for the bar only: the report's durations are measured.
/// </summary>
public static class RehearsalPlan
{
    /// <summary>The last checkouts end and the run's sessions close (RehearsalLoad waits for pg_stat_database to count their deadlocks).</summary>
    public static readonly TimeSpan DrainPerRun = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ApplyAndRevert = TimeSpan.FromSeconds(3);

    public static TimeSpan Planned(RehearsalProfileSettings profile) =>
        profile.Rounds * (2 * (profile.Duration + DrainPerRun) + ApplyAndRevert);
}
