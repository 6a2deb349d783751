using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Users;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>Status, severity and commander. The page re-reads on the incident's live event, so a change shows on every open page.</summary>
public partial class IncidentControls : ActorComponentBase
{
    [Inject] public required IncidentService Incidents { get; init; }
    [Inject] public required UserAdministration Users { get; init; }

    [Parameter, EditorRequired] public required Incident Incident { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }

    private IReadOnlyList<UserSummary> commanders = [];
    private IncidentStatus? status;

    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    /// <summary>Who may lead: enabled staff whose roles may manage incidents (the domain checks the same).</summary>
    protected override async Task OnInitializedAsync() =>
        commanders = (await Users.ListAsync()).Where(u => !u.IsDisabled && PermissionTable.Allows(u.Roles, Permission.ManageIncidents)).ToList();

    protected override void OnParametersSet()
    {
        if (status is { } s && !Incident.NextStatuses.Contains(s))
            status = null;
    }

    private async Task MoveAsync()
    {
        if (status is { } to && await RunAsync(actor => Incidents.SetStatusAsync(actor, Incident.Id, to)))
            status = null;
    }

    private Task SeverityAsync(IncidentSeverity severity) =>
        severity == Incident.Severity ? Task.CompletedTask : RunAsync(actor => Incidents.SetSeverityAsync(actor, Incident.Id, severity));

    private Task CommanderAsync(string? userId) =>
        userId is null || userId == Incident.CommanderId ? Task.CompletedTask : RunAsync(actor => Incidents.AssignCommanderAsync(actor, Incident.Id, userId));

    private string CommanderText(string? userId) =>
        userId is null ? "" : commanders.FirstOrDefault(u => u.Id == userId)?.UserName ?? (userId == Incident.CommanderId ? Incident.CommanderName ?? userId : userId);
}
