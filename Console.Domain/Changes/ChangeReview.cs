namespace OpsConsole.Domain.Changes;

/// <summary>A reviewer's approval, rejection or comment on a change.</summary>
public sealed class ChangeReview
{
    public long Id { get; private set; }
    public string ReviewerId { get; private set; } = "";
    public string ReviewerName { get; private set; } = "";
    public ReviewVerdict Verdict { get; private set; }
    public string Comment { get; private set; } = "";
    public DateTimeOffset At { get; private set; }

    private ChangeReview() { }

    internal ChangeReview(string reviewerId, string reviewerName, ReviewVerdict verdict, string comment, DateTimeOffset at)
    {
        ReviewerId = reviewerId;
        ReviewerName = reviewerName;
        Verdict = verdict;
        Comment = comment;
        At = at;
    }
}

/// <summary>One step of a change's lifecycle: who moved it from which status to which, when, and why.</summary>
public sealed class ChangeTransition
{
    public long Id { get; private set; }
    public ChangeStatus? From { get; private set; }
    public ChangeStatus To { get; private set; }
    public string ActorName { get; private set; } = "";
    public DateTimeOffset At { get; private set; }
    public string Note { get; private set; } = "";

    private ChangeTransition() { }

    internal ChangeTransition(ChangeStatus? from, ChangeStatus to, string actorName, DateTimeOffset at, string note)
    {
        From = from;
        To = to;
        ActorName = actorName;
        At = at;
        Note = note;
    }
}
