using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>
/// Starts a rehearsal of a setting change: a staging target (production targets are not offered; the
/// <see cref="StagingGuard"/> behind <see cref="RehearsalService.StartAsync"/> refuses a staging database on a production
/// cluster, and says why under the field) and a profile, "Black Friday peak" unless another is chosen.
/// </summary>
public partial class RehearseDialog : ActorComponentBase
{
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required RehearsalProfiles Profiles { get; init; }
    [Inject] public required RehearsalService Rehearsals { get; init; }
    [Inject] public required IThrowawayStaging Throwaway { get; init; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; init; }
    [Parameter, EditorRequired] public required ConfigChange Change { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }

    private IReadOnlyList<TargetSummary> stagingTargets = [];
    private IReadOnlyList<RehearsalProfile> profiles = [];
    private Guid? targetId;
    private string? profileName;
    private bool loaded;
    private bool creating;
    /// <summary>A throwaway cluster made in this dialog: the rehearsal removes it when it ends; cancelling the dialog removes it at once.</summary>
    private Target? created;

    /// <summary>Opens the dialog; the started rehearsal's id, or null when none was started.</summary>
    public static async Task<Guid?> ShowAsync(IDialogService dialogs, ConfigChange change, Actor actor)
    {
        var parameters = new DialogParameters<RehearseDialog> { { d => d.Change, change }, { d => d.Actor, actor } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true };
        var reference = await dialogs.ShowAsync<RehearseDialog>($"Rehearse change #{change.Number}", parameters, options);
        var result = await reference.Result;
        return result is { Canceled: false, Data: Guid id } ? id : null;
    }

    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    protected override async Task OnInitializedAsync()
    {
        stagingTargets = (await Targets.ListAsync()).Where(t => t.Environment == TargetEnvironment.Staging).OrderBy(t => t.Name).ToList();
        profiles = await Profiles.ListAsync();
        if (stagingTargets.Count == 1)
            targetId = stagingTargets[0].Id;
        profileName = profiles.FirstOrDefault(p => p.Id == RehearsalProfileDefaults.PeakId)?.Name ?? profiles.FirstOrDefault()?.Name;
        loaded = true;
    }

    private string TargetName(Guid? id) => stagingTargets.FirstOrDefault(t => t.Id == id)?.Name ?? "";

    private RehearsalProfileSettings? SelectedProfile => profiles.FirstOrDefault(p => p.Name == profileName)?.Settings;

    private bool CanStart => loaded && !Busy && targetId is not null && profileName is not null;

    private async Task StartAsync()
    {
        Rehearsal? started = null;
        if (await RunAsync(async actor => started = await Rehearsals.StartAsync(actor, new RehearsalRequest(Change.Number, targetId!.Value, profileName!))))
            Dialog.Close(DialogResult.Ok(started!.Id));
    }

    /// <summary>One click: a cluster of its own (initdb, the demo shop's data, a least-privilege role), selected for the rehearsal.</summary>
    private async Task CreateThrowawayAsync()
    {
        creating = true;
        try
        {
            if (await RunAsync(async actor => created = await Throwaway.CreateAsync(actor)) && created is not null)
            {
                stagingTargets = [.. stagingTargets, new TargetSummary(created.Id, created.Name, created.Environment, true, created.ServerVersion, null, null, IsThrowaway: true)];
                targetId = created.Id;
            }
        }
        finally
        {
            creating = false;
        }
    }

    private async Task CloseAsync()
    {
        if (created is not null)
            await RunAsync(actor => Throwaway.RemoveAsync(actor, created.Id));
        Dialog.Cancel();
    }
}
