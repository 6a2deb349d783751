using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Suspects;
using OpsConsole.Web.Components.Pages.Changes;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>
/// The incident's suspects, best first, each with its evidence in words, and the two things a responder does with one:
/// roll it back (the change page's rollback dialog with the incident as its reason, run through the incident so its timeline
/// records it: the Roll back click and one confirm) or name it the cause.
/// </summary>
public partial class SuspectsPanel : ActorComponentBase
{
    [Inject] public required IncidentService Incidents { get; init; }
    [Inject] public required ChangeRegistry Registry { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    [Parameter, EditorRequired] public required Incident Incident { get; set; }
    [Parameter, EditorRequired] public required IReadOnlyList<IncidentSuspect> Suspects { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }
    [Parameter] public bool CanManage { get; set; }

    /// <summary>The suspects' changes as they are now: whether each is still in effect decides its Roll back button.</summary>
    private Dictionary<Guid, ConfigChange> changes = [];

    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    protected override async Task OnParametersSetAsync()
    {
        var fresh = new Dictionary<Guid, ConfigChange>();
        foreach (var s in Suspects)
            if (await Registry.GetAsync(s.ChangeId) is { } change)
                fresh[s.ChangeId] = change;
        changes = fresh;
    }

    private async Task RollBackAsync(IncidentSuspect suspect)
    {
        Errors.Clear();
        if (await Registry.GetAsync(suspect.ChangeId) is not { } change)
            return;
        var incidentId = Incident.Id;
        await RollbackDialog.ShowAsync(Dialogs, change, Actor,
            // Not the circuit's token: a closed browser must not abandon a rollback half way (nor its timeline entries).
            (actor, request, progress) => Incidents.RollBackSuspectAsync(actor, incidentId, request, progress, CancellationToken.None),
            Aftermath(Incident, change.Number), SuggestedReason(Incident));
    }

    private Task MarkCauseAsync(IncidentSuspect suspect) => RunAsync(actor => Incidents.MarkCauseAsync(actor, Incident.Id, suspect.ChangeId));

    internal static string Aftermath(Incident incident, int changeNumber) =>
        $"Incident #{incident.Number}'s timeline records the rollback as it starts and ends. Once it is rolled back, change #{changeNumber} "
        + "is named as the cause and the incident moves to Monitoring" + (incident.Status is IncidentStatus.Monitoring ? " (it is there already)." : ".");

    /// <summary>The reason a rollback from the incident starts with: the incident says why (the responder may say more).</summary>
    internal static string SuggestedReason(Incident incident) => $"Incident #{incident.Number}: {incident.Title}";

    internal static string StrengthText(SuspectStrength strength) => strength switch
    {
        SuspectStrength.Strong => "strong suspect",
        SuspectStrength.Possible => "possible",
        _ => "weak",
    };
}
