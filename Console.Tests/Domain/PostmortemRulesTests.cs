using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Incidents.Postmortems;

namespace OpsConsole.Tests.Domain;

/// <summary>The postmortem's own rules: versions are added, never lost to a stale save; action items carry what they need.</summary>
public sealed class PostmortemRulesTests
{
    private static readonly Actor Alice = new("u-alice", "alice", [Roles.OnCall]);
    private static readonly Actor Bob = new("u-bob", "bob", [Roles.Dba]);
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EachSave_AddsTheNextVersion_ByItsAuthor()
    {
        var postmortem = new Postmortem(Guid.NewGuid(), Now);

        var first = postmortem.AddVersion("# Draft", PostmortemVersionSource.Drafted, null, Alice, Now);
        var second = postmortem.AddVersion("# Draft\nedited", PostmortemVersionSource.Edited, 1, Bob, Now.AddMinutes(5));

        Assert.Equal((1, 2, 2), (first.Number, second.Number, postmortem.LatestVersion));
        Assert.Equal(("alice", "bob"), (first.AuthorName, second.AuthorName));
        Assert.Equal("# Draft", first.Markdown);
    }

    [Fact]
    public void ASave_BasedOnAnOlderVersion_IsRefused_NamingWhoSavedSince()
    {
        var postmortem = new Postmortem(Guid.NewGuid(), Now);
        postmortem.AddVersion("# Draft", PostmortemVersionSource.Drafted, null, Alice, Now);
        postmortem.AddVersion("# Draft\nby bob", PostmortemVersionSource.Edited, 1, Bob, Now.AddMinutes(1));

        var refused = Assert.Throws<DomainRuleException>(() => postmortem.AddVersion("# Draft\nby alice", PostmortemVersionSource.Edited, 1, Alice, Now.AddMinutes(2)));

        Assert.Contains("bob saved version 2", refused.Message);
        Assert.Equal(2, postmortem.LatestVersion);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("bad \0 text", "NUL")]
    public void AnEmptyOrBrokenText_IsRefused_OnTheMarkdownField(string markdown, string why)
    {
        var postmortem = new Postmortem(Guid.NewGuid(), Now);

        var refused = Assert.Throws<DomainRuleException>(() => postmortem.AddVersion(markdown, PostmortemVersionSource.Edited, 0, Alice, Now));

        Assert.Equal("Markdown", refused.Field);
        Assert.Contains(why, refused.Message);
        Assert.Equal(0, postmortem.LatestVersion);
    }

    [Fact]
    public void ASaveThatChangesNothing_IsRefused()
    {
        var postmortem = new Postmortem(Guid.NewGuid(), Now);
        postmortem.AddVersion("# Same", PostmortemVersionSource.Drafted, null, Alice, Now);

        var refused = Assert.Throws<DomainRuleException>(() => postmortem.AddVersion("# Same", PostmortemVersionSource.Edited, 1, Alice, Now));

        Assert.Equal("Nothing changed since version 1.", refused.Message);
    }

    [Theory]
    [InlineData("", "dora", "Title")]
    [InlineData("Alert on lock waits", " ", "Owner")]
    [InlineData("Alert on lock waits", "dora", "Due")]
    public void AnActionItem_NeedsTitleOwnerAndDueDate(string title, string owner, string field)
    {
        var postmortem = new Postmortem(Guid.NewGuid(), Now);

        var refused = Assert.Throws<DomainRuleException>(() =>
            postmortem.AddActionItem(title, owner, field == "Due" ? null : new DateOnly(2026, 3, 21), Alice, Now));

        Assert.Equal(field, refused.Field);
        Assert.Empty(postmortem.ActionItems);
    }

    [Fact]
    public void ClosingAnItem_RecordsWhoAndWhen_ReopeningClearsIt_AndClosingTwiceIsRefused()
    {
        var postmortem = new Postmortem(Guid.NewGuid(), Now);
        var item = postmortem.AddActionItem("  Alert on lock waits  ", "dora", new DateOnly(2026, 3, 21), Alice, Now);

        item.Close(Bob, Now.AddDays(1));
        Assert.Equal((ActionItemStatus.Done, "bob", Now.AddDays(1)), (item.Status, item.ClosedByName, item.ClosedAt));
        Assert.Throws<DomainRuleException>(() => item.Close(Bob, Now.AddDays(2)));

        item.Update(item.Title, item.Owner, item.Due, ActionItemStatus.InProgress, Alice, Now.AddDays(3));
        Assert.Equal((ActionItemStatus.InProgress, null, null), (item.Status, item.ClosedByName, item.ClosedAt));
        Assert.Equal("Alert on lock waits", item.Title);
    }
}
