using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Tests.Domain;

/// <summary>The draft of the outage this console exists for, and of one whose failures were elsewhere.</summary>
public sealed class PostmortemDrafterTests
{
    private static readonly DateTimeOffset Onset = new(2026, 3, 14, 14, 12, 0, TimeSpan.Zero);

    internal static PostmortemFacts CheckoutOutage(params PostmortemSuspect[] suspects) => new(
        IncidentNumber: 12,
        Title: "Checkout failures on shop",
        Severity: "SEV1",
        Service: "checkout",
        TargetName: "shop",
        Commander: "alice",
        Times: new(Onset, Onset.AddMinutes(1), Onset.AddMinutes(8), Onset.AddMinutes(11), Onset.AddMinutes(20)),
        Durations: new(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(11), TimeSpan.FromMinutes(11)),
        Impact: new(1240, 3245, 1240 / 3245.0, 62000m, "EUR"),
        Timeline:
        [
            // Out of order on purpose: the draft orders by time.
            new(Onset.AddMinutes(8), "rollback started", "alice", "Rolling back change #7"),
            new(Onset.AddMinutes(1), "alert fired", null, "Checkout failure rate 38 % over 5 min"),
            new(Onset.AddMinutes(2), "note", "bob", "Gateway looks fine | pipes\nand a second line"),
            new(Onset.AddMinutes(11), "health normal", null, "Checkout failure rate back under 1 %"),
        ],
        Suspects: suspects.Length > 0 ? suspects :
        [
            new(7, "Raise deadlock_timeout", "deadlock_timeout", SuspectStrength.Strong,
                ["applied 3 h 10 min before onset", "72 % of failures are db_deadlock or db_lock_timeout"], RolledBackAt: Onset.AddMinutes(8)),
            new(5, "Raise work_mem", "work_mem", SuspectStrength.Weak, ["applied 20 h 5 min before onset"]),
        ],
        FailureSummary: "72 % of failures are db_deadlock or db_lock_timeout");

    [Fact]
    public void TheDraft_HasTheFourSections_InOrder()
    {
        var md = PostmortemDrafter.Draft(CheckoutOutage());

        var at = new[] { PostmortemDrafter.SummaryHeading, PostmortemDrafter.TimelineHeading, PostmortemDrafter.RootCauseHeading, PostmortemDrafter.MeasuresHeading }
            .Select(heading => md.IndexOf("\n" + heading + "\n", StringComparison.Ordinal)).ToList();
        Assert.All(at, index => Assert.True(index > 0));
        Assert.Equal(at.Order(), at);
        Assert.StartsWith("# Postmortem: incident #12, Checkout failures on shop\n", md);
    }

    [Fact]
    public void TheSummary_SaysDurationImpactAndRootCause()
    {
        var summary = Section(PostmortemDrafter.Draft(CheckoutOutage()), PostmortemDrafter.SummaryHeading);

        Assert.Contains("**Severity:** SEV1 · service checkout · target shop · commander alice", summary);
        Assert.Contains("**Duration:** 11 min in all, from onset at 2026-03-14 14:12 UTC; detected after 1 min, identified after 8 min, recovered after 11 min.", summary);
        Assert.Contains("**Impact:** 1,240 failed checkouts, 38.2 % of 3,245 attempts; estimated lost revenue 62,000.00 EUR.", summary);
        Assert.Contains("**Root cause:** change #7 \"Raise deadlock_timeout\" (`deadlock_timeout`), applied 3 h 10 min before onset.", summary);
    }

    [Fact]
    public void TheTimeline_ListsEveryEntry_InTimeOrder_OneRowEach()
    {
        var timeline = Section(PostmortemDrafter.Draft(CheckoutOutage()), PostmortemDrafter.TimelineHeading);

        var rows = timeline.Split('\n').Where(line => line.StartsWith("| ") && !line.StartsWith("| Time")).ToList();
        Assert.Equal(
            ["| 14:13:00 | alert fired | console |", "| 14:14:00 | note | bob |", "| 14:20:00 | rollback started | alice |", "| 14:23:00 | health normal | console |"],
            rows.Select(row => string.Join(" |", row.Split(" |").Take(3)) + " |"));
        Assert.Contains("| Gateway looks fine \\| pipes and a second line |", rows[1]);
        Assert.Contains("Times in UTC on 2026-03-14.", timeline);
    }

    [Fact]
    public void TheRootCause_IsTheRolledBackChange_WithItsEvidence_AndTheResolution()
    {
        var cause = Section(PostmortemDrafter.Draft(CheckoutOutage()), PostmortemDrafter.RootCauseHeading);

        Assert.Contains("**Cause:** change #7 \"Raise deadlock_timeout\" (`deadlock_timeout`), rolled back as the likely cause (strong suspect).", cause);
        Assert.Contains("- 72 % of failures are db_deadlock or db_lock_timeout", cause);
        Assert.Contains("**Resolution:** change #7 was rolled back at 2026-03-14 14:20 UTC through the console's rollback procedure; "
                        + "checkout health was back to normal at 2026-03-14 14:23 UTC.", cause);
        Assert.Contains("- change #5 \"Raise work_mem\" (`work_mem`) (weak): applied 20 h 5 min before onset", cause);
    }

    [Fact]
    public void AChangeMarkedAsCause_WinsOverOneOnlyRolledBack()
    {
        var facts = CheckoutOutage(
            new(7, "Raise deadlock_timeout", "deadlock_timeout", SuspectStrength.Strong, [], RolledBackAt: Onset.AddMinutes(8)),
            new(9, "Lower lock_timeout", "lock_timeout", SuspectStrength.Possible, [], MarkedCause: true));

        var cause = Section(PostmortemDrafter.Draft(facts), PostmortemDrafter.RootCauseHeading);

        Assert.Contains("**Cause:** change #9 \"Lower lock_timeout\" (`lock_timeout`), marked as the cause", cause);
        Assert.Contains("_describe how service was restored._", cause);
    }

    [Fact]
    public void WithNoGuiltyChange_TheDraftSaysWhereTheFailuresWere()
    {
        var facts = CheckoutOutage() with
        {
            Suspects = [new(5, "Raise work_mem", "work_mem", SuspectStrength.Weak, ["applied 20 h 5 min before onset"])],
            FailureSummary = "91 % of failures are payment_gateway_timeout: the payment gateway, not the database",
        };

        var md = PostmortemDrafter.Draft(facts);

        Assert.Contains("**Root cause:** not identified. 91 % of failures are payment_gateway_timeout: the payment gateway, not the database.", Section(md, PostmortemDrafter.SummaryHeading));
        var cause = Section(md, PostmortemDrafter.RootCauseHeading);
        Assert.Contains("No change was identified as the cause.", cause);
        Assert.Contains("Where the failures were: 91 % of failures are payment_gateway_timeout", cause);
        Assert.DoesNotContain("**Cause:**", cause);
    }

    [Fact]
    public void TheMeasures_ListTheActionItems_WithOwnerDueAndStatus()
    {
        var md = PostmortemDrafter.Draft(CheckoutOutage(),
        [
            new("Alert on lock waits over 2 s", "dora", new DateOnly(2026, 3, 21), ActionItemStatus.Open),
            new("Rehearse deadlock_timeout changes under peak", "bob", null, ActionItemStatus.InProgress),
            new("Roll back change #7", "alice", null, ActionItemStatus.Done),
        ]);

        var measures = Section(md, PostmortemDrafter.MeasuresHeading);
        Assert.Contains("- [ ] Alert on lock waits over 2 s (owner dora, due 2026-03-21)", measures);
        Assert.Contains("- [ ] Rehearse deadlock_timeout changes under peak (owner bob, in progress)", measures);
        Assert.Contains("- [x] Roll back change #7 (owner alice)", measures);
    }

    [Fact]
    public void WithoutActionItems_TheMeasuresAskForThem_AndNameTheParameter()
    {
        var measures = Section(PostmortemDrafter.Draft(CheckoutOutage()), PostmortemDrafter.MeasuresHeading);

        Assert.Contains("_Add action items in the console", measures);
        Assert.Contains("`deadlock_timeout`", measures);
    }

    [Fact]
    public void InAnotherZone_TimesCarryTheirOffset()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var md = PostmortemDrafter.Draft(CheckoutOutage(), zone: berlin);

        Assert.Contains("from onset at 2026-03-14 15:12 UTC+01:00", md);
        Assert.Contains("Times in Europe/Berlin (UTC+01:00) on 2026-03-14.", md);
        Assert.Contains("| 15:13:00 | alert fired |", md);
    }

    [Fact]
    public void TheSameFacts_GiveTheSameDraft() =>
        Assert.Equal(PostmortemDrafter.Draft(CheckoutOutage()), PostmortemDrafter.Draft(CheckoutOutage()));

    /// <summary>The text from a heading to the next one of the same level.</summary>
    private static string Section(string md, string heading)
    {
        var start = md.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {heading} in:\n{md}");
        var end = md.IndexOf("\n## ", start + heading.Length + 1, StringComparison.Ordinal);
        return end < 0 ? md[start..] : md[start..end];
    }
}
