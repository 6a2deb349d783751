using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Web.Components.Pages.Changes;
using OpsConsole.Web.Components.Pages.Rehearsals;

namespace OpsConsole.Tests.Components;

public sealed class RehearsalComponentsTests : ChangeActionsContext
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public RehearsalComponentsTests()
    {
        // Rendering never cancels (the browser tests do), so the service gets no store.
        Services.AddSingleton(new RehearsalService(null!, null!, null!, null!, null!, null!, null!, null!, TimeProvider.System));
    }

    /// <summary>A run of 10 s: so many checkouts, so many of them deadlocked, the given deadlocks and latencies, one second per value of the series.</summary>
    private static RunFigures Run(long attempted, long deadlocked, long deadlocks, double p95, params int[] perSecond)
    {
        var failures = ErrorClasses.All.ToDictionary(c => c, c => c == ErrorClasses.DbDeadlock ? deadlocked : 0L);
        var series = perSecond.Select((n, i) => new RunSecond(i, n, i == 0 ? (int)deadlocked : 0, p95)).ToList();
        return new RunFigures(At, TimeSpan.FromSeconds(10), attempted, attempted - deadlocked, failures, deadlocks, 0, TimeSpan.FromSeconds(1.5),
            p95 / 2, p95, p95 * 1.5, series);
    }

    private static Rehearsal Ended(IReadOnlyList<RunFigures> baseline, IReadOnlyList<RunFigures> withChange)
    {
        var profile = RehearsalProfileDefaults.Peak with { Rounds = baseline.Count };
        var rehearsal = new Rehearsal(Guid.NewGuid(), 42, Guid.NewGuid(), "staging", profile, Author, Guid.NewGuid(), At);
        rehearsal.Begin(At);
        rehearsal.Finish(RehearsalReport.Of(baseline, withChange, profile.Thresholds), At.AddMinutes(9));
        rehearsal.RecordRevert("Staging's settings are back as before (all of pg_settings compared).", exact: true);
        return rehearsal;
    }

    private IRenderedComponent<RehearsalReportView> Report(Rehearsal rehearsal) => Render<RehearsalReportView>(p => p.Add(r => r.Rehearsal, rehearsal));

    private static string Cell(IRenderedComponent<RehearsalReportView> view, string figure, string side, string part = "median") =>
        view.Find($"[data-testid=figure-{figure}] td[data-side={side}] [data-testid={part}]").TextContent.Trim();

    [Fact]
    public void ThreeRounds_ShowTheMedianOfEachSide_WithTheSpreadBeneath()
    {
        var view = Report(Ended(
            [Run(100, 1, 1, 200, 10), Run(120, 2, 2, 220, 12), Run(110, 0, 0, 210, 11)],
            [Run(90, 30, 30, 900, 9), Run(80, 40, 41, 1000, 8), Run(95, 20, 25, 950, 9)]));

        Assert.Equal("110", Cell(view, "checkouts", "baseline"));
        Assert.Equal("100 – 120", Cell(view, "checkouts", "baseline", "spread"));
        Assert.Equal("90", Cell(view, "checkouts", "change"));
        Assert.Equal("30", Cell(view, "deadlocks", "change"));
        Assert.Equal("25 – 41", Cell(view, "deadlocks", "change", "spread"));
        Assert.Equal("950 ms", Cell(view, "p95", "change"));
        Assert.Equal("900 ms – 1000 ms", Cell(view, "p95", "change", "spread"));
        Assert.Equal("210 ms", Cell(view, "p95", "baseline"));
        // Classes that failed on either side get a row; classes nobody hit are left out.
        Assert.Equal("30", Cell(view, "failures-db_deadlock", "change"));
        Assert.Empty(view.FindAll("[data-testid=figure-failures-payment_gateway]"));
        Assert.Contains("Medians of 3 rounds", view.Find("[data-testid=report-rounds]").TextContent);
    }

    [Fact]
    public void AFailingVerdict_IsABannerWithEachCheckAndItsReason()
    {
        var view = Report(Ended([Run(100, 1, 1, 200, 10)], [Run(90, 30, 30, 900, 9)]));

        var verdict = view.Find("[data-testid=verdict]");
        Assert.Equal("false", verdict.GetAttribute("data-passed"));
        Assert.Contains("Fail", verdict.TextContent);
        var checks = view.FindAll("[data-testid=verdict-check]");
        Assert.Equal(["failure rate", "deadlocks", "p95"], checks.Select(c => c.GetAttribute("data-figure")));
        Assert.All(checks, c => Assert.Equal("false", c.GetAttribute("data-passed")));
        Assert.Contains("deadlocks 30 vs baseline 1 × 1.5 + 1: fail", checks[1].TextContent);
        Assert.Contains("p95 900 ms vs baseline 200 ms × 1.2: fail", checks[2].TextContent);
    }

    [Fact]
    public void OneRound_ShowsNoSpread_AndChartsBothRunsSecondBySecond()
    {
        var view = Report(Ended([Run(100, 0, 0, 200, 10, 11, 12)], [Run(101, 0, 0, 205, 12, 11, 10, 9)]));

        Assert.Equal("true", view.Find("[data-testid=verdict]").GetAttribute("data-passed"));
        Assert.Empty(view.FindAll("[data-testid=spread]"));
        var chart = view.Find("[data-testid=chart-rehearsal-checkouts]");
        var legends = chart.QuerySelectorAll("[data-testid=chart-rehearsal-checkouts-legend]").Select(l => l.TextContent.Trim()).ToList();
        Assert.Equal(2, legends.Count);
        // A finished run has no "latest" value worth showing: the legend names the lines only.
        Assert.Equal("Baseline (round 1)", legends[0]);
        Assert.Equal("With the change (round 1)", legends[1]);
        Assert.Equal(2, chart.QuerySelectorAll("polyline").Length);
        Assert.Contains("per second", chart.QuerySelector("svg.ts-chart-plot")!.GetAttribute("aria-label"));
        // The axis runs over the longer run, in seconds since it began.
        Assert.Equal(["0 s", "4 s"], chart.QuerySelectorAll(".ts-axis span").Select(s => s.TextContent.Trim()));
        Assert.Contains("back as before", view.Find("[data-testid=revert-outcome]").TextContent);
        Assert.Contains("Black Friday peak", view.Find("[data-testid=report-profile]").TextContent);
    }

    [Fact]
    public void ACancelledRehearsal_SaysSoPlainly_AndShowsNoFigures()
    {
        var rehearsal = new Rehearsal(Guid.NewGuid(), 42, Guid.NewGuid(), "staging", RehearsalProfileDefaults.Peak, Author, Guid.NewGuid(), At);
        rehearsal.Begin(At);
        rehearsal.RequestCancel(Reviewer, At.AddSeconds(30));
        rehearsal.Cancel(At.AddSeconds(31));
        rehearsal.RecordRevert("Staging's settings are back as before.", exact: true);

        var view = Report(rehearsal);

        Assert.Equal("Cancelled, no verdict: Cancelled by dba2.", view.Find("[data-testid=rehearsal-reason]").TextContent.Trim());
        Assert.Empty(view.FindAll("[data-testid=report-table]"));
        Assert.Empty(view.FindAll("[data-testid=verdict]"));
    }

    [Fact]
    public void ApproveRefusedByThePolicy_IsExplained_AndTheLatestVerdictShowsBesideIt()
    {
        var change = ConfigChange.ForSql(Guid.NewGuid(), new ChangeDetails("Lower work_mem", "Memory at peak.", null, ChangeRisk.High, null),
            "SELECT 1", "SELECT 1", Author, At);
        change.Submit(Author, At);
        change.RequireRehearsal();
        var failed = Ended([Run(100, 1, 1, 200, 10)], [Run(90, 30, 30, 900, 9)]);
        change.RecordRehearsal(failed.Id, passed: false, At.AddMinutes(9));

        var actions = Render<ChangeActions>(p => p.Add(a => a.Change, change).Add(a => a.Actor, Reviewer).Add(a => a.LatestRehearsal, failed));

        Assert.False(HasButton(actions, "Approve"));
        Assert.True(HasButton(actions, "Reject"));
        var reasons = actions.FindAll("[data-testid=why-not]").Select(r => r.TextContent.Trim()).ToList();
        Assert.Contains(reasons, r => r.StartsWith("Approve: Change #", StringComparison.Ordinal) && r.Contains("its latest rehearsal failed"));
        var latest = actions.Find("[data-testid=latest-rehearsal]");
        Assert.Equal("false", latest.GetAttribute("data-passed"));
        Assert.Contains("failed (failure rate 33.3 % vs baseline 1.0 % + 2 points: fail; deadlocks 30 vs baseline 1", latest.TextContent);
        Assert.Equal($"/rehearsals/{failed.Id}", latest.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void TheProgress_ShowsRoundAndPhase_TimeLeft_TheLiveFigures_AndCancelOnlyWhenOffered()
    {
        var progress = new RehearsalProgressed(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), nameof(RehearsalStatus.Running), nameof(RehearsalPhase.WithChange),
            Round: 2, Rounds: 3, Elapsed: TimeSpan.FromSeconds(90), Planned: TimeSpan.FromSeconds(120));
        var figures = new RehearsalLiveFigures("with the change", Attempted: 250, Failed: 12, InFlight: 5, LongestLockWaitSeconds: 2.5, LastSecondP95Ms: 840);

        var view = Render<RehearsalProgressView>(p => p.Add(v => v.Progress, progress).Add(v => v.Figures, figures).Add(v => v.CanCancel, true));

        Assert.Equal("round 2 of 3 · run with the change", view.Find("[data-testid=rehearsal-phase]").TextContent.Trim());
        Assert.Equal("about 30.0 s left", view.Find("[data-testid=rehearsal-time-left]").TextContent.Trim());
        Assert.Equal("75", view.Find("[data-testid=rehearsal-progress]").GetAttribute("data-percent"));
        Assert.Equal("250", view.Find("[data-testid=live-attempted]").TextContent);
        Assert.Equal("12", view.Find("[data-testid=live-failed]").TextContent);
        Assert.Equal("5", view.Find("[data-testid=live-in-flight]").TextContent);
        Assert.Equal("2.5 s", view.Find("[data-testid=live-lock-wait]").TextContent);
        Assert.Equal("840 ms", view.Find("[data-testid=live-p95]").TextContent);
        Assert.Contains(view.FindAll("button"), b => b.TextContent.Trim() == "Cancel rehearsal");

        var watcher = Render<RehearsalProgressView>(p => p.Add(v => v.Progress, progress).Add(v => v.CanCancel, false));
        Assert.DoesNotContain(watcher.FindAll("button"), b => b.TextContent.Trim() == "Cancel rehearsal");
        Assert.Empty(watcher.FindAll("[data-testid=rehearsal-live-figures]"));
    }
}
