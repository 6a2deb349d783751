using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Web.Components.Pages.Changes;

namespace OpsConsole.Tests.Components;

public sealed class ChangeComponentsTests : ChangeActionsContext
{
    private static ConfigChange InReview()
    {
        var change = ConfigChange.ForSql(Guid.NewGuid(), new ChangeDetails("Add an index", "Slow lookups.", null, ChangeRisk.Low, null),
            "CREATE INDEX i ON t(a)", "DROP INDEX i", Author, DateTimeOffset.UtcNow);
        change.Submit(Author, DateTimeOffset.UtcNow);
        return change;
    }

    [Fact]
    public void DetectedStatus_IsShownAsAFilledErrorChip()
    {
        var chip = Render<ChangeStatusChip>(p => p.Add(c => c.Status, ChangeStatus.Detected));

        var element = chip.Find("[data-testid=status-chip]");
        Assert.Equal("Detected (unregistered)", element.TextContent.Trim());
        Assert.Contains("mud-chip-color-error", element.ClassName);
        Assert.Contains("mud-chip-filled", element.ClassName);
    }

    [Fact]
    public void TheAuthor_IsNotOfferedApproveOrReject_AndIsToldWhy()
    {
        var actions = Actions(InReview(), Author);

        Assert.False(HasButton(actions, "Approve"));
        Assert.False(HasButton(actions, "Reject"));
        var reasons = actions.FindAll("[data-testid=why-not]").Select(r => r.TextContent.Trim()).ToList();
        Assert.Contains("Approve: The author of a change cannot approve it: another reviewer must.", reasons);
        Assert.Contains(reasons, r => r.StartsWith("Reject: The author of a change cannot reject it", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAuthor_IsOfferedComment_ToAnswerTheReviewers()
    {
        var actions = Actions(InReview(), Author);

        Assert.True(HasButton(actions, "Comment"));
        Assert.Empty(actions.FindAll("[data-testid=no-actions]"));
    }

    [Fact]
    public void AnotherDba_IsOfferedApproveRejectAndComment()
    {
        var actions = Actions(InReview(), Reviewer);

        Assert.True(HasButton(actions, "Approve"));
        Assert.True(HasButton(actions, "Reject"));
        Assert.True(HasButton(actions, "Comment"));
        Assert.False(HasButton(actions, "Apply"));
    }

    [Fact]
    public void AViewer_IsOfferedNothing_OnAChangeAReviewerMayAct()
    {
        var change = InReview();
        Assert.NotEmpty(Actions(change, Reviewer).FindAll("button"));

        var actions = Actions(change, Viewer);

        Assert.Empty(actions.FindAll("button"));
        Assert.Equal("Approve, Reject, Comment: viewer may not review changes: that needs one of the roles DBA, Admin.",
            actions.Find("[data-testid=why-not]").TextContent.Trim());
    }

    [Fact]
    public void AnAppliedChange_OffersRollback_ToOnCall_WithoutReasonsForWhatTheStatusRulesOut()
    {
        var change = InReview();
        change.Approve(Reviewer, "", DateTimeOffset.UtcNow);
        change.MarkApplied(Reviewer, DateTimeOffset.UtcNow, pendingRestart: false);

        var actions = Actions(change, new Actor("u-oncall", "oncall", [Roles.OnCall]));

        Assert.True(HasButton(actions, "Rollback"));
        Assert.False(HasButton(actions, "Approve"));
        Assert.Equal("Comment: oncall may not review changes: that needs one of the roles DBA, Admin.",
            actions.Find("[data-testid=why-not]").TextContent.Trim());
    }
}
