using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.Incidents.Postmortems;

/// <summary>
/// Something to do so that it does not happen again: who owns it, by when, and where it stands. Closing it is setting
/// it Done (it can be reopened); who closed it and when are kept.
/// </summary>
public sealed class ActionItem
{
    public const int MaxTitleLength = 300;
    public const int MaxOwnerLength = 100;

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid PostmortemId { get; private set; }
    public string Title { get; private set; } = "";
    /// <summary>A person or a team, as the team says it ("dora", "DBA team").</summary>
    public string Owner { get; private set; } = "";
    public DateOnly? Due { get; private set; }
    public ActionItemStatus Status { get; private set; }
    public string CreatedByName { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public string? ClosedByName { get; private set; }

    private ActionItem() { }

    internal ActionItem(Guid postmortemId, string createdByName, DateTimeOffset now) =>
        (PostmortemId, CreatedByName, CreatedAt, UpdatedAt) = (postmortemId, createdByName, now, now);

    public void Update(string title, string owner, DateOnly? due, ActionItemStatus status, Actor actor, DateTimeOffset now)
    {
        Title = Required(title, "Title", "Say what is to be done", MaxTitleLength);
        Owner = Required(owner, "Owner", "Name who owns it (a person or a team)", MaxOwnerLength);
        if (due is null)
            throw new DomainRuleException("Give a due date.", "Due");
        if (!Enum.IsDefined(status))
            throw new DomainRuleException("Status is Open, InProgress or Done.", "Status");
        Due = due;
        if (status == ActionItemStatus.Done && Status != ActionItemStatus.Done)
            (ClosedAt, ClosedByName) = (now, actor.AuthorName);
        else if (status != ActionItemStatus.Done)
            (ClosedAt, ClosedByName) = (null, null);
        Status = status;
        UpdatedAt = now;
    }

    public void Close(Actor actor, DateTimeOffset now)
    {
        if (Status == ActionItemStatus.Done)
            throw new DomainRuleException($"\"{Title}\" is already done.");
        Update(Title, Owner, Due, ActionItemStatus.Done, actor, now);
    }

    private static string Required(string? value, string field, string ask, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new DomainRuleException($"{ask}.", field);
        TextRules.Require(value, field, multiLine: false);
        var trimmed = value.Trim();
        if (trimmed.Length > max)
            throw new DomainRuleException($"{field} is longer than {max} characters.", field);
        return trimmed;
    }
}
