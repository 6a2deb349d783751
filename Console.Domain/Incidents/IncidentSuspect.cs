using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Domain.Incidents;

/// <summary>
/// A change suspected of causing an incident, at its place in the latest ranking (<see cref="SuspectFinder"/>), with the
/// evidence in words. The rows are replaced whenever a refresh ranks differently; the timeline keeps the history.
/// </summary>
public sealed class IncidentSuspect
{
    public long Id { get; private set; }
    public Guid IncidentId { get; private set; }
    /// <summary>1 for the first suspect.</summary>
    public int Rank { get; private set; }
    public Guid ChangeId { get; private set; }
    public int ChangeNumber { get; private set; }
    public string Title { get; private set; } = "";
    public string? Parameter { get; private set; }
    public double Score { get; private set; }
    public SuspectStrength Strength { get; private set; }
    public List<string> Evidence { get; private set; } = [];
    public DateTimeOffset RankedAt { get; private set; }

    private IncidentSuspect() { }

    public IncidentSuspect(Guid incidentId, int rank, Suspect suspect, DateTimeOffset now)
    {
        IncidentId = incidentId;
        Rank = rank;
        ChangeId = suspect.ChangeId;
        ChangeNumber = suspect.ChangeNumber;
        Title = Incident.Clip(suspect.Title, 200);
        Parameter = suspect.Parameter;
        Score = suspect.Score;
        Strength = suspect.Strength;
        Evidence = [.. suspect.Evidence];
        RankedAt = now;
    }

    public bool SameAs(IncidentSuspect other) =>
        Rank == other.Rank && ChangeId == other.ChangeId && Strength == other.Strength && Math.Abs(Score - other.Score) < 1e-9
        && Evidence.SequenceEqual(other.Evidence);
}
