using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Locks;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>
/// A target's lock history over a chosen window: per-minute charts and a scrubber over the stored snapshots
/// (moments when something waited or a deadlock was counted). Picking a moment is reported to the page, which shows it.
/// </summary>
public partial class LockHistoryPanel
{
    private const int MaxDeadlockChips = 12;

    [Inject] public required LockHistory History { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    [Parameter, EditorRequired] public Guid TargetId { get; set; }
    /// <summary>Raised by the page when new history is worth reading (a deadlock, a new minute); a change reloads.</summary>
    [Parameter] public int Version { get; set; }
    [Parameter] public long? SelectedSnapshotId { get; set; }
    [Parameter] public EventCallback<SnapshotMark> OnPick { get; set; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }

    private readonly TimeWindowChoice range = new();
    private (DateTimeOffset From, DateTimeOffset To) window;
    private IReadOnlyList<LockMinute>? minutes;
    private IReadOnlyList<SnapshotMark>? marks;
    private int scrubIndex;
    private bool loading;
    private (Guid Target, int Version)? loaded;

    private IReadOnlyList<SnapshotMark> DeadlockMarks => marks?.Where(m => m.Deadlocks > 0).TakeLast(MaxDeadlockChips).ToList() ?? [];

    protected override async Task OnParametersSetAsync()
    {
        if (loaded == (TargetId, Version))
            return;
        // A custom window is fixed: new samples do not move it, so only a target switch reloads it.
        if (range.IsCustom && loaded?.Target == TargetId)
        {
            loaded = (TargetId, Version);
            return;
        }
        loaded = (TargetId, Version);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        if (range.Resolve(Time.GetUtcNow()) is not { } chosen)
            return;
        window = chosen;
        loading = true;
        try
        {
            minutes = await History.MinutesAsync(TargetId, window.From, window.To);
            marks = await History.MarksAsync(TargetId, window.From, window.To);
            var selected = marks.Select((m, i) => (m, i)).FirstOrDefault(x => x.m.Id == SelectedSnapshotId);
            scrubIndex = SelectedSnapshotId is not null && selected.m is not null ? selected.i : Math.Max(0, marks.Count - 1);
        }
        finally
        {
            loading = false;
        }
    }

    private Task PickIndexAsync(int index)
    {
        scrubIndex = Math.Clamp(index, 0, (marks?.Count ?? 1) - 1);
        return marks is { Count: > 0 } all ? OnPick.InvokeAsync(all[scrubIndex]) : Task.CompletedTask;
    }

    private Task StepAsync(int delta) => PickIndexAsync(scrubIndex + delta);

    private Task PickAsync(SnapshotMark mark)
    {
        scrubIndex = marks?.ToList().IndexOf(mark) ?? 0;
        return OnPick.InvokeAsync(mark);
    }

    private string MarkText(SnapshotMark mark) =>
        $"{LockFormat.DateTime(mark.At, Zone)}: {mark.Waiting} waiting" + (mark.Deadlocks switch { 0 => "", 1 => ", 1 deadlock counted", var n => $", {n} deadlocks counted" });
}
