using OpsConsole.Domain.Access;

namespace OpsConsole.Domain.Incidents.Postmortems;

/// <summary>
/// An incident's postmortem: its Markdown as numbered versions (a save adds one, nothing is overwritten) and its action
/// items. One per incident. It may exist before its first version, when an action item is noted during the incident.
/// </summary>
public sealed class Postmortem
{
    public const int MaxMarkdownLength = 200_000;

    private readonly List<PostmortemVersion> versions = [];
    private readonly List<ActionItem> actionItems = [];

    public Guid Id { get; private set; } = Guid.NewGuid();
    /// <summary>The incident it is about (a plain id here; the store keeps the reference).</summary>
    public Guid IncidentId { get; private set; }
    /// <summary>The number of the latest version; 0 before the first.</summary>
    public int LatestVersion { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The versions loaded with it: the service loads only the latest, which is all a save compares with.</summary>
    public IReadOnlyList<PostmortemVersion> Versions => versions;

    public IReadOnlyList<ActionItem> ActionItems => actionItems;

    private Postmortem() { }

    public Postmortem(Guid incidentId, DateTimeOffset now) => (IncidentId, CreatedAt, UpdatedAt) = (incidentId, now, now);

    /// <summary>
    /// Adds the next version. A save from an editor names the version it was based on: if someone saved since, it is
    /// refused rather than silently replacing their words. A draft is based on the incident, not on a version.
    /// </summary>
    public PostmortemVersion AddVersion(string markdown, PostmortemVersionSource source, int? basedOnVersion, Actor actor, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(markdown))
            throw new DomainRuleException("The postmortem is empty: write it, or draft it from the incident.", "Markdown");
        TextRules.Require(markdown, "Markdown", multiLine: true);
        if (markdown.Length > MaxMarkdownLength)
            throw new DomainRuleException($"The postmortem is longer than {MaxMarkdownLength:N0} characters.", "Markdown");
        var latest = versions.SingleOrDefault(v => v.Number == LatestVersion);
        if (basedOnVersion is { } basedOn && basedOn != LatestVersion)
            throw new DomainRuleException(latest is null
                ? $"Version {basedOn} of this postmortem does not exist."
                : $"{latest.AuthorName} saved version {latest.Number} at {latest.CreatedAt:yyyy-MM-dd HH:mm} UTC after the version {basedOn} you edited: "
                  + "copy your text, reload, and apply your edits to the latest version.");
        if (latest is not null && latest.Markdown == markdown)
            throw new DomainRuleException($"Nothing changed since version {latest.Number}.", "Markdown");
        var version = new PostmortemVersion(Id, LatestVersion + 1, markdown, source, actor.AuthorId, actor.AuthorName, now);
        versions.Add(version);
        LatestVersion = version.Number;
        UpdatedAt = now;
        return version;
    }

    public ActionItem AddActionItem(string title, string owner, DateOnly? due, Actor actor, DateTimeOffset now)
    {
        var item = new ActionItem(Id, actor.AuthorName, now);
        item.Update(title, owner, due, ActionItemStatus.Open, actor, now);
        actionItems.Add(item);
        UpdatedAt = now;
        return item;
    }
}

public enum PostmortemVersionSource { Drafted, Edited }

/// <summary>One saved text of a postmortem: never changed once written.</summary>
public sealed class PostmortemVersion
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid PostmortemId { get; private set; }
    public int Number { get; private set; }
    public string Markdown { get; private set; } = "";
    public PostmortemVersionSource Source { get; private set; }
    public string AuthorId { get; private set; } = "";
    public string AuthorName { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    private PostmortemVersion() { }

    internal PostmortemVersion(Guid postmortemId, int number, string markdown, PostmortemVersionSource source, string authorId, string authorName,
        DateTimeOffset createdAt)
    {
        (PostmortemId, Number, Markdown, Source) = (postmortemId, number, markdown, source);
        (AuthorId, AuthorName, CreatedAt) = (authorId, authorName, createdAt);
    }
}
