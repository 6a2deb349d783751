using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>
/// The Rehearsals section of a change: the Rehearse button where the domain would allow it, a live progress panel for a
/// rehearsal under way (this console's or another's: the progress crosses instances), and the change's rehearsals newest
/// first, the newest report open below them.
/// </summary>
public partial class ChangeRehearsals
{
    [Inject] public required RehearsalService Rehearsals { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    [Parameter, EditorRequired] public required ConfigChange Change { get; set; }
    [Parameter, EditorRequired] public required Actor? Actor { get; set; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }

    private readonly RehearsalLiveState live = new();
    private readonly HashSet<Guid> expanded = [], opened = [];
    private IReadOnlyList<Rehearsal> rehearsals = [];
    private volatile IReadOnlyDictionary<Guid, RehearsalStatus> stored = new Dictionary<Guid, RehearsalStatus>();
    private string? notRehearsable;
    private bool loaded;
    private Guid? shownChange;

    /// <summary>Progress comes once a second per rehearsal; twice a second is plenty for a bar and figures.</summary>
    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(500);

    protected override bool Notice(OpsEvent e) =>
        e is RehearsalProgressed p && p.ChangeId == Change.Id && live.Note(p, id => stored.TryGetValue(id, out var s) ? s : null);

    protected override async Task OnLiveAsync()
    {
        if (live.TakeStale())
            await ReloadAsync();
        StateHasChanged();
    }

    protected override async Task OnParametersSetAsync()
    {
        notRehearsable = NotRehearsableReason(Change);
        if (shownChange != Change.Id)
        {
            shownChange = Change.Id;
            await ReloadAsync();
        }
    }

    private async Task ReloadAsync()
    {
        rehearsals = await Rehearsals.ForChangeAsync(Change.Id);
        stored = rehearsals.ToDictionary(r => r.Id, r => r.Status);
        // The newest ended report opens by itself once (on opening the page, or as it ends); closed by the person, it stays closed.
        if (rehearsals.FirstOrDefault(r => !r.IsUnderWay) is { } newest && opened.Add(newest.Id))
            expanded.Add(newest.Id);
        loaded = true;
    }


    /// <summary>The domain's own rule (setting changes not yet shipped), in its words; null when the change can be rehearsed.</summary>
    private static string? NotRehearsableReason(ConfigChange change)
    {
        try
        {
            RehearsalService.DemandRehearsable(change);
            return null;
        }
        catch (DomainRuleException e)
        {
            return e.Message;
        }
    }

    private bool CanRehearse => notRehearsable is null && Actor?.Can(Permission.RunRehearsals) == true;

    private bool CanCancel => Actor?.Can(Permission.RunRehearsals) == true;

    private async Task OpenDialogAsync()
    {
        if (Actor is null || await RehearseDialog.ShowAsync(Dialogs, Change, Actor) is null)
            return;
        await ReloadAsync();
    }

    private void Toggle(Guid id)
    {
        if (!expanded.Remove(id))
            expanded.Add(id);
    }

    private static string VerdictText(Rehearsal r) => r.Status switch
    {
        RehearsalStatus.Passed or RehearsalStatus.Failed => r.Verdict ?? "",
        RehearsalStatus.Cancelled or RehearsalStatus.NotRun => r.Reason ?? "",
        _ => "under way",
    };
}
