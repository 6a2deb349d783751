using System.Globalization;
using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Locks;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>Per-minute lock history of one window as three bar panels: waiting sessions, longest wait, deadlocks.</summary>
public partial class LockHistoryChart
{
    internal const string DeadlockPanel = "chart-deadlocks";
    private const double ViewWidth = 1000, PanelHeight = 56;

    [Parameter, EditorRequired] public required IReadOnlyList<LockMinute> Minutes { get; set; }
    [Parameter, EditorRequired] public DateTimeOffset From { get; set; }
    [Parameter, EditorRequired] public DateTimeOffset To { get; set; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }

    private IReadOnlyList<Panel> Panels { get; set; } = [];
    private IReadOnlyList<LockMinute> DeadlockMinutes { get; set; } = [];
    private DateTimeOffset start;
    private double slot;

    private (IReadOnlyList<LockMinute>, DateTimeOffset, DateTimeOffset, TimeZoneInfo?)? drawn;
    private bool changed;

    // The page re-renders with every live sample; the chart only when its minutes were reloaded.
    protected override bool ShouldRender() => changed;

    protected override void OnParametersSet()
    {
        changed = drawn != (Minutes, From, To, Zone);
        if (!changed)
            return;
        drawn = (Minutes, From, To, Zone);
        start = MinuteOf(From);
        var buckets = Math.Max(1, (int)Math.Ceiling((To - start).TotalMinutes));
        slot = ViewWidth / buckets;
        DeadlockMinutes = Minutes.Where(m => m.Deadlocks > 0).ToList();
        Panels =
        [
            new("chart-waiting", "Most sessions waiting", m => m.MaxWaiting, v => v.ToString("0", CultureInfo.InvariantCulture), Minutes),
            new("chart-longest", "Longest wait", m => m.LongestWaitMs, v => LockFormat.Duration(TimeSpan.FromMilliseconds(v)), Minutes),
            new(DeadlockPanel, "Deadlocks", m => m.Deadlocks, v => v.ToString("0", CultureInfo.InvariantCulture), Minutes),
            new("chart-lock-timeouts", "Lock timeouts (reported by checkout)", m => m.LockTimeouts, v => v.ToString("0", CultureInfo.InvariantCulture), Minutes),
        ];
    }

    private string X(DateTimeOffset minute) => N((minute - start).TotalMinutes * slot);

    private string BarWidth => N(Math.Max(slot * 0.8, 0.5));

    // Wide enough to see at 24 hours (a minute is then under a pixel).
    private string MarkWidth => N(Math.Max(slot, 4));

    internal static string MinuteKey(DateTimeOffset minute) => minute.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private string HourMinute(DateTimeOffset minute) => ViewerTimeZone.Format(minute, Zone, "HH:mm");

    private static DateTimeOffset MinuteOf(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record Panel(string Id, string Title, Func<LockMinute, double> Value, Func<double, string> Format, IReadOnlyList<LockMinute> Minutes)
    {
        public double Peak { get; } = Minutes.Select(Value).DefaultIfEmpty(0).Max();

        // Never zero: an empty window draws flat panels, not a division by zero.
        public double Scale => Math.Max(1, Peak);
    }
}
