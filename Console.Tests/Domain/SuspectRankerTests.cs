using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Tests.Domain;

/// <summary>The ranking over crafted cases: the outage's lock setting, its innocent neighbours, and failures elsewhere.</summary>
public sealed class SuspectRankerTests
{
    private static readonly DateTimeOffset Onset = new(2024, 5, 3, 14, 12, 0, TimeSpan.Zero);
    private static readonly Guid Shop = Guid.NewGuid();
    private static int number;

    private static SuspectCandidate Change(string? parameter, TimeSpan beforeOnset, bool reviewed = true, Guid? target = null, string? script = null,
        bool detected = false, DateTimeOffset? rolledBackAt = null) =>
        new(Guid.NewGuid(), Interlocked.Increment(ref number), $"Change {parameter ?? "script"}", target ?? Shop,
            script is null ? ChangeKind.Setting : ChangeKind.Sql, detected ? ChangeStatus.Detected : ChangeStatus.Applied, parameter, script,
            Onset - beforeOnset, detected, reviewed ? ["bob"] : [], rolledBackAt);

    private static FailureProfile Failures(long deadlocks = 0, long lockTimeouts = 0, long serialization = 0, long connectionTimeouts = 0,
        long gateway = 0, long validation = 0) =>
        new(new Dictionary<string, long>
        {
            [ErrorClasses.DbDeadlock] = deadlocks, [ErrorClasses.DbLockTimeout] = lockTimeouts, [ErrorClasses.DbSerialization] = serialization,
            [ErrorClasses.DbConnectionTimeout] = connectionTimeouts, [ErrorClasses.PaymentGateway] = gateway, [ErrorClasses.Validation] = validation,
            [ErrorClasses.Other] = 0,
        });

    /// <summary>The outage: 72 of 100 failures are deadlocks or lock timeouts, the rest the gateway (which customers retry into).</summary>
    private static readonly FailureProfile LockFailures = Failures(deadlocks: 50, lockTimeouts: 22, gateway: 28);

    private static SuspectFindings Rank(FailureProfile failures, params SuspectCandidate[] changes) =>
        SuspectRanker.Rank(Shop, Onset, changes, failures);

    private static TimeSpan Hours(double h) => TimeSpan.FromHours(h);
    private static TimeSpan Minutes(double m) => TimeSpan.FromMinutes(m);

    [Fact]
    public void ALockSettingBeforeOnset_OutranksALaterUnrelatedChange_AnEarlierOne_AndOneOnAnotherTarget()
    {
        var culprit = Change("deadlock_timeout", Hours(3) + Minutes(10));
        var laterUnrelated = Change("log_min_duration_statement", Minutes(10), reviewed: false);
        var earlierLock = Change("lock_timeout", Hours(20));
        var earlierUnrelated = Change("log_line_prefix", Hours(5), reviewed: false);
        var otherTarget = Change("deadlock_timeout", Minutes(5), reviewed: false, target: Guid.NewGuid());

        var findings = Rank(LockFailures, laterUnrelated, earlierLock, otherTarget, earlierUnrelated, culprit);

        Assert.Equal([culprit.Number, laterUnrelated.Number, earlierLock.Number, earlierUnrelated.Number], findings.Suspects.Select(s => s.ChangeNumber));
        var first = findings.Suspects[0];
        Assert.Equal(SuspectStrength.Strong, first.Strength);
        Assert.All(findings.Suspects.Skip(1), s => Assert.NotEqual(SuspectStrength.Strong, s.Strength));
        Assert.Equal(Onset - Hours(3) - Minutes(10), first.TookEffectAt);
        Assert.True(findings.DatabaseClassFailures);
    }

    [Fact]
    public void TheTopSuspect_SaysItsEvidenceInWords()
    {
        var culprit = Change("deadlock_timeout", Hours(3) + Minutes(10));

        var suspect = Rank(LockFailures, culprit).Suspects.Single();

        Assert.Equal([
            "applied 3 h 10 min before onset",
            "72 % of failures are db_deadlock or db_lock_timeout",
            "deadlock_timeout governs how long lock waits last before deadlock detection",
            "approved by bob before it took effect",
        ], suspect.Evidence);
    }

    [Fact]
    public void WithPaymentGatewayFailures_NoChangeIsStrong_AndTheSummarySaysWhereTheFailuresAre()
    {
        var lockSetting = Change("deadlock_timeout", Minutes(20), reviewed: false);
        var detected = Change("lock_timeout", Minutes(5), detected: true, reviewed: false);

        var findings = Rank(Failures(gateway: 95, lockTimeouts: 5), lockSetting, detected);

        Assert.False(findings.DatabaseClassFailures);
        Assert.All(findings.Suspects, s => Assert.Equal(SuspectStrength.Weak, s.Strength));
        Assert.Contains("not database-class", findings.FailureSummary);
        Assert.Contains("95 % of failures are payment_gateway", findings.FailureSummary);
        Assert.Contains("the payment gateway", findings.FailureSummary);
        Assert.Contains("only 5 % of failures are db_lock_timeout: most are payment_gateway", findings.Suspects[0].Evidence);
    }

    [Fact]
    public void WithLockFailures_TheSummaryNamesTheDatabaseClasses()
    {
        var findings = Rank(LockFailures);

        Assert.Empty(findings.Suspects);
        Assert.Equal("72 % of failures are db_deadlock or db_lock_timeout (100 failed checkouts since onset): the failures are in the database.",
            findings.FailureSummary);
    }

    [Fact]
    public void AnUnreviewedChange_OutranksTheSameChangeReviewed()
    {
        var reviewed = Change("deadlock_timeout", Hours(2));
        var detected = Change("deadlock_timeout", Hours(2), detected: true, reviewed: false);

        var findings = Rank(LockFailures, reviewed, detected);

        Assert.Equal([detected.Number, reviewed.Number], findings.Suspects.Select(s => s.ChangeNumber));
        Assert.Contains("detected by drift detection: nobody reviewed it", findings.Suspects[0].Evidence);
        Assert.Equal("detected 2 h 0 min before onset", findings.Suspects[0].Evidence[0]);
    }

    [Fact]
    public void ChangesAfterOnset_OrRolledBackBeforeIt_AreListedLast_AndWeak()
    {
        var culprit = Change("random_page_cost", Hours(8));
        var after = Change("deadlock_timeout", -Minutes(5), reviewed: false);
        var undone = Change("deadlock_timeout", Hours(1), reviewed: false, rolledBackAt: Onset - Minutes(30));

        var findings = Rank(LockFailures, after, undone, culprit);

        Assert.Equal(culprit.Number, findings.Suspects[0].ChangeNumber);
        Assert.All(findings.Suspects.Skip(1), s => Assert.Equal(SuspectStrength.Weak, s.Strength));
        Assert.Contains(findings.Suspects, s => s.Evidence[0] == "applied 5 min after onset: it cannot have started the failures");
        Assert.Contains(findings.Suspects, s => s.Evidence[0].EndsWith("rolled back 30 min before onset, so not in effect when the failures began"));
    }

    [Fact]
    public void AChangeAppliedWithinTheOnsetMinute_CountsAsAtOnset()
    {
        var suspect = Rank(LockFailures, Change("deadlock_timeout", -TimeSpan.FromSeconds(30))).Suspects.Single();

        Assert.Equal("applied at onset", suspect.Evidence[0]);
        Assert.Equal(SuspectStrength.Strong, suspect.Strength);
    }

    [Fact]
    public void SerializationFailures_PointAtTheIsolationChange_NotTheLockOne()
    {
        var isolation = Change("default_transaction_isolation", Hours(4));
        var locks = Change("deadlock_timeout", Hours(1));

        var findings = Rank(Failures(serialization: 90, gateway: 10), locks, isolation);

        Assert.Equal(isolation.Number, findings.Suspects[0].ChangeNumber);
        Assert.Equal(SuspectStrength.Strong, findings.Suspects[0].Strength);
        Assert.Contains("90 % of failures are db_serialization", findings.Suspects[0].Evidence);
        Assert.Contains("90 % of failures are db_serialization, none of which lock trouble causes", findings.Suspects[1].Evidence);
    }

    [Theory]
    [InlineData("SELECT id FROM carts WHERE id = 1 FOR UPDATE", true)]
    [InlineData("CREATE INDEX orders_by_customer ON orders (customer_id)", true)]
    [InlineData("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (cart_id) REFERENCES carts (id)", true)]
    [InlineData("CREATE INDEX CONCURRENTLY orders_by_customer ON orders (customer_id)", false)]
    [InlineData("INSERT INTO audit_notes (text) VALUES ('hello')", false)]
    public void AScriptThatTakesLocks_IsRelatedToLockFailures(string script, bool related)
    {
        var suspect = Rank(LockFailures, Change(null, Hours(2), script: script)).Suspects.Single();

        Assert.Equal(related, suspect.Strength == SuspectStrength.Strong);
        Assert.Equal(related, suspect.Evidence.Contains("72 % of failures are db_deadlock or db_lock_timeout"));
    }

    [Fact]
    public void APlannerSetting_RelatesAtHalfWeight_BelowALockSettingOfTheSameAge()
    {
        var planner = Change("work_mem", Hours(2));
        var locks = Change("lock_timeout", Hours(2));

        var findings = Rank(Failures(lockTimeouts: 100), planner, locks);

        Assert.Equal([locks.Number, planner.Number], findings.Suspects.Select(s => s.ChangeNumber));
        Assert.Contains("work_mem decides whether sorts and hashes spill to disk", findings.Suspects[1].Evidence);
        Assert.True(findings.Suspects[0].Score > findings.Suspects[1].Score);
    }

    [Fact]
    public void WithNoFailures_NoChangeIsStrong_AndNearnessDecides()
    {
        var near = Change("deadlock_timeout", Minutes(30));
        var far = Change("deadlock_timeout", Hours(12));

        var findings = Rank(FailureProfile.None, far, near);

        Assert.Equal([near.Number, far.Number], findings.Suspects.Select(s => s.ChangeNumber));
        Assert.DoesNotContain(findings.Suspects, s => s.Strength == SuspectStrength.Strong);
        Assert.StartsWith("No failed checkouts since onset", findings.FailureSummary);
    }

    [Fact]
    public void ACandidate_FromADetectedChangeApprovedAfterwards_IsUnreviewed_AndFromAnApprovedOne_IsReviewed()
    {
        var before = new SettingInfo("deadlock_timeout", "1000", "ms", "integer", "1", "2147483647", [], "superuser", "default", "", false);
        var detected = ConfigChange.Detected(Shop, before, before with { Setting = "30000", Source = "configuration file" }, ChangeCast.Now);
        detected.Approve(ChangeCast.Reviewer1, "ours after all", ChangeCast.Now.AddMinutes(5));
        var applied = ChangeCast.InReview();
        applied.Approve(ChangeCast.Reviewer1, "ok", ChangeCast.Now);
        applied.MarkApplied(ChangeCast.Reviewer1, ChangeCast.Now.AddMinutes(1), pendingRestart: false);
        var draft = ChangeCast.NewSqlChange();

        var fromDetected = SuspectCandidate.Of(detected)!;
        var fromApplied = SuspectCandidate.Of(applied)!;

        Assert.Equal((true, false, ChangeCast.Now), (fromDetected.DetectedByDrift, fromDetected.ReviewedBeforeEffect, fromDetected.TookEffectAt));
        Assert.Equal((false, true, "CREATE INDEX i ON orders (id)"), (fromApplied.DetectedByDrift, fromApplied.ReviewedBeforeEffect, fromApplied.Text));
        Assert.Equal(["bob"], fromApplied.ApprovedBeforeEffectBy);
        Assert.Null(SuspectCandidate.Of(draft));
    }
}
