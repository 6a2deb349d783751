using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using static OpsConsole.Tests.Domain.ChangeCast;

namespace OpsConsole.Tests.Domain;

/// <summary>
/// <see cref="ConfigChange.AllowedActions"/> is the one answer to "what may this person do to this change, and why not the
/// rest": pages and the API show it, and the entity's own methods refuse exactly what it refuses.
/// </summary>
public sealed class ChangeAllowedActionsTests
{
    private static readonly Actor Reviewer = Reviewer1;
    private static readonly Actor OnCall = new("o", "olga", [Roles.OnCall]);
    private static readonly Actor Viewer = new("v", "vic", [Roles.Viewer]);

    private static ConfigChange Draft() => NewSqlChange();

    private static ConfigChange Approved()
    {
        var change = InReview();
        change.Approve(Reviewer, "", Now);
        return change;
    }

    private static ConfigChange Applied()
    {
        var change = Approved();
        change.MarkApplied(Reviewer, Now, pendingRestart: false);
        return change;
    }

    private static ConfigChange ApprovedExternal()
    {
        var change = ConfigChange.ForExternal(Guid.NewGuid(), new ChangeDetails("Resize the pool", "Peak", null, ChangeRisk.Low, null),
            "Raise the pool to 50", "Lower it to 20", null, Author, Now);
        change.Submit(Author, Now);
        change.Approve(Reviewer, "", Now);
        return change;
    }

    [Fact]
    public void TheAuthor_MayComment_ButNeitherApproveNorReject()
    {
        var allowed = InReview().AllowedActions(Author);

        Assert.Equal([ChangeAction.Comment], allowed.Allowed);
        Assert.Equal("The author of a change cannot approve it: another reviewer must.", allowed.WhyNot(ChangeAction.Approve));
        Assert.Contains("author of a change cannot reject it", allowed.WhyNot(ChangeAction.Reject));
        Assert.Equal(ChangeActionBar.Person, allowed.Unavailable.Single(o => o.Action == ChangeAction.Reject).Bar);
    }

    [Fact]
    public void Reject_ByTheAuthor_IsRefused_AndComment_ByTheAuthor_IsKept()
    {
        var change = InReview();

        var refusal = Assert.Throws<DomainRuleException>(() => change.Reject(Author, "Withdrawn: wrong index", Now));
        change.AddComment(Author, "The index covers the lookup in OPS-42.", Now);

        Assert.Equal(InReview().AllowedActions(Author).WhyNot(ChangeAction.Reject), refusal.Message);
        Assert.Equal(ChangeStatus.InReview, change.Status);
        Assert.Equal(ReviewVerdict.Commented, Assert.Single(change.Reviews).Verdict);
    }

    [Fact]
    public void AnotherDba_MayApproveRejectAndComment_AChangeInReview()
    {
        var allowed = InReview().AllowedActions(Reviewer);

        Assert.Equal([ChangeAction.Approve, ChangeAction.Reject, ChangeAction.Comment], allowed.Allowed);
        Assert.Contains("submitted for review", allowed.WhyNot(ChangeAction.Submit));
        Assert.Equal(ChangeActionBar.Status, allowed.Unavailable.Single(o => o.Action == ChangeAction.Apply).Bar);
    }

    [Fact]
    public void AViewer_IsToldWhichRolesItTakes()
    {
        var allowed = InReview().AllowedActions(Viewer);

        Assert.Empty(allowed.Allowed);
        var approve = allowed.Unavailable.Single(o => o.Action == ChangeAction.Approve);
        Assert.Equal(ChangeActionBar.Role, approve.Bar);
        Assert.Equal("vic may not review changes: that needs one of the roles DBA, Admin.", approve.Reason);
    }

    [Fact]
    public void AReviewerWhoApproved_MayNotApproveAgain_ButMayStillReject()
    {
        var change = InReview(ChangeRisk.High);
        change.Approve(Reviewer, "", Now);

        var allowed = change.AllowedActions(Reviewer);

        Assert.Equal("You have already approved this change: a second reviewer must.", allowed.WhyNot(ChangeAction.Approve));
        Assert.True(allowed.Allows(ChangeAction.Reject));
    }

    [Fact]
    public void AHighRiskChangeTheReviewPolicyHolds_IsNotApprovedBeforeAPassingRehearsal_AndSaysWhy()
    {
        var change = InReview(ChangeRisk.High);
        change.RequireRehearsal();

        var before = change.AllowedActions(Reviewer).Options.Single(o => o.Action == ChangeAction.Approve);
        change.RecordRehearsal(Guid.NewGuid(), passed: false, Now);
        var afterAFailure = change.AllowedActions(Reviewer).WhyNot(ChangeAction.Approve);
        change.RecordRehearsal(Guid.NewGuid(), passed: true, Now);

        Assert.Equal(ChangeActionBar.Policy, before.Bar);
        Assert.Contains("needs a passing load rehearsal before it is approved. Rehearse it on a staging target first", before.Reason);
        Assert.Contains("its latest rehearsal failed", afterAFailure);
        Assert.Throws<DomainRuleException>(() => InReviewHeldByPolicy().Approve(Reviewer, "", Now));
        Assert.True(change.AllowedActions(Reviewer).Allows(ChangeAction.Approve));
        Assert.True(change.AllowedActions(Reviewer).Allows(ChangeAction.Reject));
    }

    [Fact]
    public void TheReviewPolicy_NeverHoldsBackTheAuthorsOwnRefusal_OrAChangeItDoesNotHold()
    {
        var held = InReviewHeldByPolicy();

        Assert.Equal(ChangeActionBar.Person, held.AllowedActions(Author).Options.Single(o => o.Action == ChangeAction.Approve).Bar);
        Assert.True(InReview(ChangeRisk.High).AllowedActions(Reviewer).Allows(ChangeAction.Approve));
    }

    private static ConfigChange InReviewHeldByPolicy()
    {
        var change = InReview(ChangeRisk.High);
        change.RequireRehearsal();
        return change;
    }

    [Fact]
    public void AnApprovedExternalChange_IsMarkedApplied_NotApplied()
    {
        var allowed = ApprovedExternal().AllowedActions(Reviewer);

        Assert.True(allowed.Allows(ChangeAction.MarkApplied));
        Assert.Contains("applied outside the console", allowed.WhyNot(ChangeAction.Apply));
    }

    [Fact]
    public void AnAppliedChange_MayBeRolledBackByOnCall_AndNothingElse()
    {
        var allowed = Applied().AllowedActions(OnCall);

        Assert.Equal([ChangeAction.RollBack], allowed.Allowed);
    }

    [Fact]
    public void ARolledBackChange_SaysSo_WhenRollbackIsAskedFor()
    {
        var change = Applied();
        change.MarkRolledBack(OnCall, Now, "deadlocks");

        Assert.Equal($"Change #{change.Number} is already rolled back.", change.AllowedActions(OnCall).WhyNot(ChangeAction.RollBack));
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "draft", "author" }, { "draft", "reviewer" }, { "in review", "author" }, { "in review", "reviewer" },
        { "approved", "author" }, { "approved", "reviewer" }, { "applied", "reviewer" }, { "external", "reviewer" },
    };

    /// <summary>The page's answer and the entity's behaviour never part: every action the set refuses for its status or the
    /// two-person rule, the entity's method refuses with the same words, and every action it allows goes through.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void TheEntityDoes_ExactlyWhatAllowedActionsSays(string status, string who)
    {
        var actor = who == "author" ? Author : Reviewer;
        Func<ConfigChange> make = status switch
        {
            "draft" => () => Draft(),
            "in review" => () => InReview(),
            "approved" => Approved,
            "applied" => Applied,
            _ => ApprovedExternal,
        };
        var allowed = make().AllowedActions(actor);

        foreach (var (action, act) in new (ChangeAction, Action<ConfigChange>)[]
                 {
                     (ChangeAction.Submit, c => c.Submit(actor, Now)),
                     (ChangeAction.Approve, c => c.Approve(actor, "", Now)),
                     (ChangeAction.Reject, c => c.Reject(actor, "no", Now)),
                     (ChangeAction.Comment, c => c.AddComment(actor, "why?", Now)),
                     (ChangeAction.MarkApplied, c => c.MarkAppliedOutsideConsole(actor, Now, Now)),
                 })
        {
            var change = make();
            var refusal = Record.Exception(() => act(change));
            Assert.True(allowed.Allows(action) == refusal is null, $"{action} by the {who} of a {status} change: {refusal?.Message ?? "went through"}");
            if (refusal is not null)
                Assert.Equal(allowed.WhyNot(action), refusal.Message);
        }
    }
}
