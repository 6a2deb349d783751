using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace OpsConsole.Web.Components.Shared.Charts;

/// <summary>
/// Lines per minute (or per <see cref="Step"/>) over a window, with change markers on the same time axis. Values are drawn
/// from 0 up.
/// </summary>
public partial class TimeSeriesChart
{
    private const double ViewWidth = 1000, Height = 110;

    [Parameter, EditorRequired] public required string Title { get; set; }
    [Parameter, EditorRequired] public required string TestId { get; set; }
    /// <summary>The first step of every series (values[i] is the step From + i × <see cref="Step"/>).</summary>
    [Parameter, EditorRequired] public DateTimeOffset From { get; set; }
    [Parameter, EditorRequired] public DateTimeOffset To { get; set; }
    [Parameter, EditorRequired] public required IReadOnlyList<ChartSeries> Series { get; set; }
    [Parameter] public IReadOnlyList<ChartMarker> Markers { get; set; } = [];
    [Parameter] public Func<double, string> Format { get; set; } = v => v.ToString("0.##", CultureInfo.InvariantCulture);
    /// <summary>A fixed top of the scale (100 for a percentage); otherwise the peak.</summary>
    [Parameter] public double? Max { get; set; }
    /// <summary>What one value covers: a minute by default, a second for a load run.</summary>
    [Parameter] public TimeSpan Step { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Whether the legend shows each line's latest value (live windows do; a finished run's last second says little).</summary>
    [Parameter] public bool ShowLatest { get; set; } = true;
    /// <summary>How the axis names its ends; the viewer's clock time by default (a load run says seconds since it began).</summary>
    [Parameter] public Func<DateTimeOffset, string>? AxisFormat { get; set; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }

    private string Axis(DateTimeOffset at) => AxisFormat?.Invoke(at) ?? ChartFormat.Time(at, Zone);

    private double peak, scale;
    private IReadOnlyList<ChartMarker> VisibleMarkers { get; set; } = [];

    protected override void OnParametersSet()
    {
        peak = Series.SelectMany(s => s.Values).Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        // Never zero: an empty window draws a flat line, not a division by zero.
        scale = Max ?? Math.Max(peak * 1.1, 1);
        VisibleMarkers = Markers.Where(m => m.At >= From && m.At <= To).ToList();
    }

    private double X(DateTimeOffset at) => Math.Clamp((at - From).TotalSeconds / Math.Max(1e-9, (To - From).TotalSeconds), 0, 1) * ViewWidth;

    /// <summary>
    /// A marker's x, kept a hit area's half-width inside the plot: a change applied a moment ago sits at the right edge,
    /// where half its line and hit area would be clipped, and a click on its middle would land beside the chart.
    /// </summary>
    private double MarkerX(DateTimeOffset at) => Math.Clamp(X(at), MarkerHalfWidth, ViewWidth - MarkerHalfWidth);

    private const double MarkerHalfWidth = 4;

    private string StepName => Step == TimeSpan.FromSeconds(1) ? "second" : Step == TimeSpan.FromMinutes(1) ? "minute" : DurationText.Of(Step);

    private double Y(double value) => Height - 2 - Math.Clamp(value / scale, 0, 1) * (Height - 4);

    /// <summary>Polyline point lists, broken where a step has no value (a gap, not a fall to zero).</summary>
    private IEnumerable<string> Segments(ChartSeries line)
    {
        var segment = new List<(double X, double Y)>();
        for (var i = 0; i <= line.Values.Count; i++)
        {
            if (i < line.Values.Count && line.Values[i] is { } value)
            {
                // A step's point sits in the middle of its step.
                segment.Add((X(From + Step * (i + 0.5)), Y(value)));
                continue;
            }
            if (segment.Count == 1)
            {
                // A lone step between gaps would be an invisible one-point line: drawn as a dash across its step.
                var half = X(From + Step) / 2;
                segment = [(segment[0].X - half, segment[0].Y), (segment[0].X + half, segment[0].Y)];
            }
            if (segment.Count > 0)
                yield return string.Join(' ', segment.Select(p => $"{N(p.X)},{N(p.Y)}"));
            segment = [];
        }
    }

    private static double? Latest(ChartSeries line) => line.Values.LastOrDefault(v => v.HasValue);

    private string Show(double? value) => value is { } v ? Format(v) : "—";

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
