using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Web.Components.Shared.Charts;

namespace OpsConsole.Web.Components.Pages.Health;

/// <summary>The four checkout charts of one window, every one with the window's change markers on its time axis.</summary>
public partial class HealthCharts
{
    [Parameter, EditorRequired] public required IReadOnlyList<CheckoutMinutePoint> Points { get; set; }
    [Parameter, EditorRequired] public required IReadOnlyList<ChangeMark> Marks { get; set; }
    [Parameter, EditorRequired] public DateTimeOffset From { get; set; }
    [Parameter, EditorRequired] public DateTimeOffset To { get; set; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }

    private IReadOnlyList<ChartSeries> successSeries = [], throughputSeries = [], latencySeries = [], failureSeries = [];
    private IReadOnlyList<ChartMarker> markers = [];
    private (IReadOnlyList<CheckoutMinutePoint>, IReadOnlyList<ChangeMark>, DateTimeOffset, DateTimeOffset, TimeZoneInfo?)? drawn;

    // The page re-renders every second for its live figures; the charts only when their data was reloaded.
    protected override bool ShouldRender() => changed;

    private bool changed;

    protected override void OnParametersSet()
    {
        changed = drawn != (Points, Marks, From, To, Zone);
        if (!changed)
            return;
        // Minutes without attempts have no success rate or latency: a gap in the line, not a fall to 0.
        successSeries = [new("Success", "series-success", Points.Select(p => p.SuccessRate * 100).ToList())];
        throughputSeries = [new("Attempts", "series-primary", Points.Select(p => (double?)p.Attempts).ToList())];
        latencySeries =
        [
            new("p50", "series-p50", Points.Select(p => p.Attempts == 0 ? null : (double?)p.P50Ms).ToList()),
            new("p95", "series-p95", Points.Select(p => p.Attempts == 0 ? null : (double?)p.P95Ms).ToList()),
            new("p99", "series-p99", Points.Select(p => p.Attempts == 0 ? null : (double?)p.P99Ms).ToList()),
        ];
        // Only the classes that failed in the window, database classes first.
        failureSeries = ErrorClasses.All.Where(c => Points.Any(p => p.FailuresByClass.GetValueOrDefault(c) > 0))
            .OrderByDescending(HealthFormat.IsDatabase)
            .Select(c => new ChartSeries(HealthFormat.ClassLabel(c), $"series-{c}", Points.Select(p => (double?)p.FailuresByClass.GetValueOrDefault(c)).ToList()))
            .ToList();
        if (failureSeries.Count == 0)
            failureSeries = [new("No failures", "series-other", Points.Select(_ => (double?)0).ToList())];
        markers = Marks.Select(m => ToMarker(m, Zone)).ToList();
        drawn = (Points, Marks, From, To, Zone);
    }

    public static ChartMarker ToMarker(ChangeMark mark, TimeZoneInfo? zone)
    {
        var (kind, verb) = mark.Status switch
        {
            ChangeStatus.RolledBack => ("rolledback", "rolled back"),
            ChangeStatus.Detected => ("detected", "detected (unregistered)"),
            _ => ("applied", "applied"),
        };
        return new ChartMarker(mark.At, $"#{mark.Number} {mark.Title}: {verb} on {mark.TargetName} at {ChartFormat.Time(mark.At, zone)}",
            $"/changes/{mark.Number}", kind, mark.Number);
    }
}
