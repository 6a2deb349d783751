using Bunit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Web.Components.Pages.Health;
using OpsConsole.Web.Components.Shared.Charts;

namespace OpsConsole.Tests.Components;

public sealed class HealthComponentsTests : ConsoleComponentContext
{
    private static readonly DateTimeOffset From = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, long> Failures(params (string Class, long Count)[] counts) =>
        ErrorClasses.All.ToDictionary(c => c, c => counts.Where(x => x.Class == c).Sum(x => x.Count));

    private static CheckoutMinutePoint Point(int minute, long attempts, long successes, params (string, long)[] failures) =>
        new(From.AddMinutes(minute), attempts, successes, attempts - successes, attempts == 0 ? null : (double)successes / attempts,
            40, 120, 300, 0, Failures(failures));

    [Fact]
    public void TheChart_DrawsAMarkerPerChangeInItsWindow_WithTitleAndLink_AndLeavesOutTheOthers()
    {
        var chart = Render<TimeSeriesChart>(p => p
            .Add(c => c.Title, "Success rate").Add(c => c.TestId, "chart-success").Add(c => c.From, From).Add(c => c.To, From.AddMinutes(10))
            .Add(c => c.Series, [new ChartSeries("Success", "series-success", [99, 98, null, null, 70, 72, 99, 99, 99, 99])])
            .Add(c => c.Markers, [
                new ChartMarker(From.AddMinutes(4), "#7 Lower deadlock_timeout: applied on shop", "/changes/7", "applied", 7),
                new ChartMarker(From.AddMinutes(30), "#8 later", "/changes/8", "applied", 8),
            ]));

        var marker = Assert.Single(chart.FindAll("[data-testid=change-marker]"));
        Assert.Equal("7", marker.GetAttribute("data-change"));
        Assert.Equal("/changes/7", marker.GetAttribute("href"));
        Assert.Equal("#7 Lower deadlock_timeout: applied on shop", marker.QuerySelector("title")!.TextContent);
        // 4 minutes of 10 along a 1000-wide axis.
        Assert.Equal("400", marker.QuerySelector("line")!.GetAttribute("x1"));
        // Minutes without a value break the line instead of dropping it to zero.
        Assert.Equal(2, chart.FindAll("polyline").Count);
        Assert.Equal("peak 99", chart.Find("[data-testid=chart-success-peak]").TextContent);
    }

    [Fact]
    public void AMarkerAtTheWindowsEdge_IsDrawnWhole_InsideThePlot()
    {
        var chart = Render<TimeSeriesChart>(p => p
            .Add(c => c.Title, "Success rate").Add(c => c.TestId, "chart-success").Add(c => c.From, From).Add(c => c.To, From.AddMinutes(10))
            .Add(c => c.Series, [new ChartSeries("Success", "series-success", [99, 99, 99, 99, 99, 99, 99, 99, 99, 99])])
            .Add(c => c.Markers, [
                new ChartMarker(From.AddMinutes(10), "#9 applied a moment ago", "/changes/9", "applied", 9),
                new ChartMarker(From, "#10 applied as the window starts", "/changes/10", "applied", 10),
            ]));

        var markers = chart.FindAll("[data-testid=change-marker]");
        // A hit area 8 wide, all of it within the 1000-wide plot: the line and the area a click lands on are not clipped.
        Assert.Equal(["996", "4"], markers.Select(m => m.QuerySelector("line")!.GetAttribute("x1")));
        Assert.Equal(["992", "0"], markers.Select(m => m.QuerySelector("rect")!.GetAttribute("x")));
    }

    [Fact]
    public void DatabaseFailureClasses_ComeFirst_MarkedAsDatabase_ApartFromThePaymentGateway()
    {
        var view = Render<FailureClasses>(p => p.Add(f => f.FailuresByClass,
            Failures((ErrorClasses.PaymentGateway, 5), (ErrorClasses.DbDeadlock, 3), (ErrorClasses.DbLockTimeout, 4))));

        var chips = view.FindAll("[data-testid=failure-class]");
        Assert.Equal(["db_lock_timeout", "db_deadlock", "payment_gateway"], chips.Select(c => c.GetAttribute("data-class")));
        Assert.Equal(["database", "database", "other"], chips.Select(c => c.GetAttribute("data-group")));
        Assert.Equal("7", view.Find("[data-testid=failures-database]").GetAttribute("data-count"));
        Assert.Contains("Database: 7 of 12 failures", view.Find("[data-testid=failures-database]").TextContent);
    }

    [Fact]
    public void TheHeadline_ShowsSuccessRate_Throughput_P95_AndAttempts()
    {
        var tally = new CheckoutTally();
        foreach (var i in Enumerable.Range(0, 8))
            tally.Add(new CheckoutEvent($"e{i}", From, CheckoutOutcome.Succeeded, null, null, 100));
        tally.Add(new CheckoutEvent("f1", From, CheckoutOutcome.Failed, ErrorClasses.DbDeadlock, "40P01", 900));
        tally.Add(new CheckoutEvent("f2", From, CheckoutOutcome.Failed, ErrorClasses.DbDeadlock, "40P01", 900));

        var card = Render<FiguresCard>(p => p.Add(c => c.Label, "Last 5 minutes").Add(c => c.TestId, "figures-5m")
            .Add(c => c.Figures, CheckoutFigures.Of(From, From.AddMinutes(5), tally)));

        Assert.Equal("80.0 %", card.Find("[data-testid=figures-5m-success]").TextContent);
        Assert.Equal("2", card.Find("[data-testid=figures-5m-rate]").TextContent);
        Assert.Equal("900 ms", card.Find("[data-testid=figures-5m-p95]").TextContent);
        Assert.Equal("10", card.Find("[data-testid=figures-5m-attempts]").GetAttribute("data-count"));
        Assert.Equal("database", card.Find("[data-testid=failure-class][data-class=db_deadlock]").GetAttribute("data-group"));
    }

    [Fact]
    public void TheHeadline_HandedTheSameFiguresAgain_IsNotRedrawn_AndNewFigures_Are()
    {
        var tally = new CheckoutTally();
        tally.Add(new CheckoutEvent("e1", From, CheckoutOutcome.Succeeded, null, null, 100));
        var five = CheckoutFigures.Of(From, From.AddMinutes(5), tally);
        var card = Render<FiguresCard>(p => p.Add(c => c.Label, "Last 5 minutes").Add(c => c.TestId, "figures-5m").Add(c => c.Figures, five));
        card.Render(p => p.Add(c => c.Figures, five)); // the first redraw always happens
        var renders = card.RenderCount;

        card.Render(p => p.Add(c => c.Figures, five));
        Assert.Equal(renders, card.RenderCount);

        tally.Add(new CheckoutEvent("e2", From, CheckoutOutcome.Succeeded, null, null, 100));
        card.Render(p => p.Add(c => c.Figures, CheckoutFigures.Of(From, From.AddMinutes(5), tally)));
        Assert.Equal(renders + 1, card.RenderCount);
        Assert.Equal("2", card.Find("[data-testid=figures-5m-attempts]").GetAttribute("data-count"));
    }

    [Fact]
    public void TheLockFigures_HandedEqualFigures_AreNotRedrawn_AndChangedFigures_Are()
    {
        var id = Guid.NewGuid();
        IReadOnlyList<TargetLockFigures> Figures(int waiting) => [new(id, "shop", waiting, TimeSpan.Zero, 0)];
        var locks = Render<LockFigures>(p => p.Add(c => c.Targets, Figures(0)));
        locks.Render(p => p.Add(c => c.Targets, Figures(0)));
        var renders = locks.RenderCount;

        locks.Render(p => p.Add(c => c.Targets, Figures(0)));
        Assert.Equal(renders, locks.RenderCount);

        locks.Render(p => p.Add(c => c.Targets, Figures(3)));
        Assert.Equal(renders + 1, locks.RenderCount);
        Assert.Equal("3", locks.Find("[data-testid=lock-waiting-shop]").TextContent);
    }

    [Fact]
    public void TheCharts_PutEveryChangeOnEachChart_AndDrawOnlyTheClassesThatFailed()
    {
        var points = new[] { Point(0, 10, 10), Point(1, 10, 6, (ErrorClasses.DbDeadlock, 4)), Point(2, 0, 0) };
        var marks = new[]
        {
            new ChangeMark(3, "Lower deadlock_timeout", "shop", ChangeStatus.Applied, From.AddSeconds(70)),
            new ChangeMark(3, "Lower deadlock_timeout", "shop", ChangeStatus.RolledBack, From.AddSeconds(150)),
        };

        var charts = Render<HealthCharts>(p => p.Add(c => c.Points, points).Add(c => c.Marks, marks).Add(c => c.From, From)
            .Add(c => c.To, From.AddMinutes(3)));

        Assert.Equal(8, charts.FindAll("[data-testid=change-marker]").Count);
        Assert.Equal(["applied", "rolledback"], charts.Find("[data-testid=chart-latency]").QuerySelectorAll("[data-testid=change-marker]")
            .Select(m => m.GetAttribute("data-kind")));
        var failures = charts.Find("[data-testid=chart-failures]");
        Assert.Single(failures.QuerySelectorAll("[data-testid=chart-failures-legend]"));
        Assert.Contains("DB deadlock", failures.QuerySelector("[data-testid=chart-failures-legend]")!.TextContent);
        Assert.Contains("rolled back on shop", charts.FindAll("[data-kind=rolledback] title")[0].TextContent);
    }
}
