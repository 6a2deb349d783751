namespace OpsConsole.Web.Components.Shared.Charts;

/// <summary>One line of a chart: a value per minute from the chart's start (null where there is nothing to say, e.g. no attempts).</summary>
public sealed record ChartSeries(string Name, string CssClass, IReadOnlyList<double?> Values);

/// <summary>A vertical mark on the time axis (a change applied, rolled back or detected), titled on hover and linked.</summary>
public sealed record ChartMarker(DateTimeOffset At, string Title, string Href, string Kind, int Number);
