using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using static OpsConsole.Tests.Domain.ChangeCast;

namespace OpsConsole.Tests.Domain;

public sealed class ConfigChangeLifecycleTests
{

    [Fact]
    public void NewChange_IsADraft_WithItsRegistrationRecorded()
    {
        var change = NewSqlChange();

        Assert.Equal(ChangeStatus.Draft, change.Status);
        var first = Assert.Single(change.Transitions);
        Assert.Equal((null, ChangeStatus.Draft, "ann"), (first.From, first.To, first.ActorName));
    }

    [Fact]
    public void Submit_BySomeoneOtherThanTheAuthor_IsRefused()
    {
        var change = NewSqlChange();

        var refusal = Assert.Throws<DomainRuleException>(() => change.Submit(Reviewer1, Now));

        Assert.Contains("Only the author", refusal.Message);
        Assert.Equal(ChangeStatus.Draft, change.Status);
    }

    [Fact]
    public void AChangeRegisteredThroughAnApiKey_IsAuthoredByTheKeysHolder_WhoCannotApproveIt()
    {
        var key = new Actor("apikey:1", "deploy (API key)", [], [Permission.RegisterChange], new KeyHolder("deploy", Reviewer1.Id, Reviewer1.Name));
        var change = ConfigChange.ForSql(Guid.NewGuid(), new ChangeDetails("Add index", "Speed up", null, ChangeRisk.Low, null), "SELECT 1", "SELECT 1", key, Now);
        change.Submit(key, Now);

        Assert.Equal((Reviewer1.Id, "bob through API key deploy"), (change.AuthorId, change.RegisteredBy));
        Assert.Throws<DomainRuleException>(() => change.Approve(Reviewer1, "mine", Now));
        change.Approve(Reviewer2, "ok", Now);
        Assert.Equal(ChangeStatus.Approved, change.Status);
    }

    [Fact]
    public void Approve_ByAuthor_IsRefused()
    {
        var change = InReview();

        var refusal = Assert.Throws<DomainRuleException>(() => change.Approve(Author, "lgtm", Now));

        Assert.Contains("author", refusal.Message);
        Assert.Equal(ChangeStatus.InReview, change.Status);
        Assert.Empty(change.Reviews);
    }

    [Fact]
    public void Approve_ByAnotherReviewer_ApprovesAMediumRiskChange()
    {
        var change = InReview();

        change.Approve(Reviewer1, "looks right", Now);

        Assert.Equal(ChangeStatus.Approved, change.Status);
        Assert.Equal([ChangeStatus.Draft, ChangeStatus.InReview, ChangeStatus.Approved], change.Transitions.Select(t => t.To));
    }

    [Fact]
    public void HighRisk_NeedsTwoDifferentReviewers()
    {
        var change = InReview(ChangeRisk.High);

        change.Approve(Reviewer1, "", Now);
        Assert.Equal(ChangeStatus.InReview, change.Status);
        Assert.Throws<DomainRuleException>(() => change.Approve(Reviewer1, "again", Now));
        change.Approve(Reviewer2, "", Now);

        Assert.Equal(ChangeStatus.Approved, change.Status);
        Assert.Equal(2, change.Approvals);
    }

    [Fact]
    public void Approve_OfADraft_IsRefused()
    {
        var change = NewSqlChange();

        Assert.Throws<DomainRuleException>(() => change.Approve(Reviewer1, "", Now));
    }

    [Fact]
    public void Apply_BeforeApproval_IsRefused()
    {
        var change = InReview();

        Assert.Throws<DomainRuleException>(() => change.MarkApplied(Reviewer1, Now, pendingRestart: false));
    }

    [Fact]
    public void Reject_NeedsAReason_AndEndsTheReview()
    {
        var change = InReview();

        Assert.Throws<DomainRuleException>(() => change.Reject(Reviewer1, " ", Now));
        change.Reject(Reviewer1, "Deadlocks at peak in the rehearsal", Now);

        Assert.Equal(ChangeStatus.Rejected, change.Status);
        Assert.Throws<DomainRuleException>(() => change.Approve(Reviewer2, "", Now));
    }

    [Fact]
    public void AFailedApply_LeavesTheChangeApproved_WithTheError_ForARetry()
    {
        var change = InReview();
        change.Approve(Reviewer1, "", Now);

        change.RecordApplyFailure("connection refused");
        Assert.Equal(ChangeStatus.Approved, change.Status);
        change.MarkApplied(Reviewer1, Now, pendingRestart: false);

        Assert.Equal(ChangeStatus.Applied, change.Status);
        Assert.Null(change.LastApplyError);
    }

    [Fact]
    public void MarkAppliedOutside_InTheFuture_IsRefused()
    {
        var change = InReview();
        change.Approve(Reviewer1, "", Now);

        Assert.Throws<DomainRuleException>(() => change.MarkAppliedOutsideConsole(Reviewer1, Now.AddHours(1), Now));
        change.MarkAppliedOutsideConsole(Reviewer1, Now.AddMinutes(-10), Now);

        Assert.Equal((ChangeStatus.Applied, true, Now.AddMinutes(-10)), (change.Status, change.AppliedOutsideConsole, change.AppliedAt));
    }

    [Fact]
    public void DetectedDrift_ApprovedByAReviewer_CountsAsAppliedAndReviewed()
    {
        var info = new SettingInfo("deadlock_timeout", "30000", "ms", "integer", "1", "2147483647", [], "superuser", "configuration file", "", false);
        var change = ConfigChange.Detected(Guid.NewGuid(), info with { Setting = "1000", Source = "default" }, info, Now);
        Assert.Equal((ChangeStatus.Detected, "unknown", "1000", "30000"), (change.Status, change.AuthorName, change.ValueBefore, change.ValueAfter));

        change.Approve(Reviewer1, "It was me, during the incident", Now);

        Assert.Equal(ChangeStatus.Applied, change.Status);
    }
}
