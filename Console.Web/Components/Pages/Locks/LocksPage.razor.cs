using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Locks;

public enum LockView { Graph, Table, Both }

/// <summary>
/// Live lock waits of one target: the sampler's latest graph (redrawn on its bus events, at most twice a second), or
/// a stored moment picked on the history scrubber. The chosen target is kept in the URL (?target=name) for sharing.
/// </summary>
public partial class LocksPage : LiveComponentBase
{
    // While sessions wait, the charts' current minute grows: reread it now and then, not on every tick.
    private static readonly TimeSpan HistoryRefreshWhileWaiting = TimeSpan.FromSeconds(10);

    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required LockMonitor Monitor { get; init; }
    [Inject] public required LockHistory History { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [SupplyParameterFromQuery(Name = "target")] public string? TargetQuery { get; set; }

    private IReadOnlyList<TargetSummary>? targets;
    private TargetSummary? target;
    private LockSample? sample;
    private SamplerStatus? status;
    private (LockSnapshot Snapshot, WaitForGraph Graph)? history;
    private Backend? selected;
    private SessionActionResult? actionResult;
    private LockView view = LockView.Both;
    private bool paused, loadingSnapshot;
    private int historyVersion;
    private volatile bool historyDirty, targetsDirty;
    private DateTimeOffset lastHistoryRefresh, lastEventMinute;

    // Twice a second at most: a graph of hundreds of sessions takes a while to draw.
    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(500);

    private WaitForGraph? ShownGraph => history?.Graph ?? sample?.Graph;
    /// <summary>The live graph shown is the last one sampled before the target stopped answering.</summary>
    private LockSample? StaleSample => history is null && status is { Reachable: false } ? sample : null;
    private int Waiting => history?.Snapshot.Waiting ?? sample?.Waiting ?? 0;
    private TimeSpan LongestWait => history is { } h ? TimeSpan.FromMilliseconds(h.Snapshot.LongestWaitMs) : sample?.LongestWait ?? TimeSpan.Zero;

    protected override async Task OnParametersSetAsync()
    {
        targets ??= await Targets.ListAsync();
        var chosen = targets.FirstOrDefault(t => string.Equals(t.Name, TargetQuery, StringComparison.OrdinalIgnoreCase)) ?? targets.FirstOrDefault();
        if (chosen?.Id != target?.Id)
            await SwitchToAsync(chosen);
    }

    private async Task SwitchToAsync(TargetSummary? next)
    {
        target = next;
        (sample, status, history, selected, actionResult, paused) = (null, null, null, null, null, false);
        if (next is null)
            return;
        RefreshLive();
        await Monitor.LoadDeadlocksAsync(next.Id);
    }

    protected override bool Notice(OpsEvent e)
    {
        switch (e)
        {
            case LocksSampled s when s.TargetId == target?.Id:
                var minute = new DateTimeOffset(s.At.UtcTicks - s.At.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
                if (s.Deadlocks > 0 || minute != lastEventMinute || (s.Waiting > 0 && s.At - lastHistoryRefresh > HistoryRefreshWhileWaiting))
                    historyDirty = true;
                lastEventMinute = minute;
                break;
            case TargetUpdated u when u.TargetId == target?.Id:
                break;
            case TargetUpdated:
                // A target registered (or changed) elsewhere: the selector and the "no targets" state must follow.
                targetsDirty = true;
                break;
            default:
                return false;
        }
        return true;
    }

    protected override async Task OnLiveAsync()
    {
        if (targetsDirty)
        {
            targetsDirty = false;
            targets = await Targets.ListAsync();
            if (target is null && targets.Count > 0)
                await SwitchToAsync(targets[0]);
        }
        if (historyDirty)
        {
            historyDirty = false;
            lastHistoryRefresh = Now;
            historyVersion++;
        }
        RefreshLive();
        StateHasChanged();
    }

    /// <summary>Reads the monitor's latest sample, unless the graph is frozen (paused, or a stored moment is shown).</summary>
    private void RefreshLive()
    {
        if (target is null)
            return;
        status = Monitor.Status(target.Id);
        if (paused || history is not null)
            return;
        // A target that stops answering keeps its last graph on screen, marked stale: the on-call still sees who
        // blocked whom, and the folds, open queries and zoom they set survive a tick that timed out.
        sample = Monitor.Latest(target.Id) ?? (status is { Reachable: false } ? sample : null);
        FollowSelection();
    }

    /// <summary>The selected session keeps its newest details; once it leaves the graph, its last known ones stay shown.</summary>
    private void FollowSelection()
    {
        if (selected is not null && ShownGraph?.Nodes.GetValueOrDefault(selected.Pid) is { } fresh)
            selected = fresh;
    }

    private void SelectTarget(Guid id)
    {
        if (targets?.FirstOrDefault(t => t.Id == id) is { } chosen)
            Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("target", chosen.Name), replace: true);
    }

    private void Select(int pid)
    {
        if (ShownGraph?.Nodes.GetValueOrDefault(pid) is not { } backend)
            return;
        actionResult = selected?.Pid == pid ? actionResult : null;
        selected = backend;
    }

    private void ClearSelection() => (selected, actionResult) = (null, null);

    private void TogglePause()
    {
        paused = !paused;
        RefreshLive();
    }

    private async Task ShowMomentAsync(SnapshotMark mark)
    {
        loadingSnapshot = true;
        try
        {
            if (await History.SnapshotAsync(mark.Id) is { } snapshot)
            {
                history = (snapshot, snapshot.ToGraph());
                actionResult = null;
                FollowSelection();
            }
            else
            {
                Snackbar.Add("That moment is no longer stored (past its retention).", Severity.Info);
            }
        }
        finally
        {
            loadingSnapshot = false;
        }
    }

    private void BackToLive()
    {
        history = null;
        actionResult = null;
        RefreshLive();
    }

    private async Task RunActionAsync(SessionAction action)
    {
        if (target is null || selected is null || sample is null)
            return;
        var blocks = sample.Graph.WaitingBehind(selected.Pid);
        if (await SessionActionDialog.ShowAsync(Dialogs, target.Id, selected, action, blocks) is not { } result)
            return;
        actionResult = result;
        Snackbar.Add(result.Message, result.Succeeded ? Severity.Success : Severity.Warning);
        RefreshLive();
    }
}
