using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>On-call declares an incident by hand; the domain checks every field and names the one it refuses.</summary>
public partial class OpenIncidentDialog : ActorComponentBase
{
    private static readonly string[] Fields = ["Title", "Severity", "Service", "TargetId", "Summary"];

    [Inject] public required IncidentService Incidents { get; init; }
    [Inject] public required TargetRegistry Targets { get; init; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; init; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }

    private IReadOnlyList<TargetSummary> targets = [];
    private string? title, summary;
    private string? service = "checkout";
    private IncidentSeverity severity = IncidentSeverity.Sev2;
    private Guid? targetId;

    /// <summary>Opens the dialog; the new incident's number, or null when cancelled.</summary>
    public static async Task<int?> ShowAsync(IDialogService dialogs, Actor actor)
    {
        var parameters = new DialogParameters<OpenIncidentDialog> { { d => d.Actor, actor } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };
        var reference = await dialogs.ShowAsync<OpenIncidentDialog>("Open an incident", parameters, options);
        return await reference.Result is { Canceled: false, Data: int number } ? number : null;
    }

    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    protected override async Task OnInitializedAsync()
    {
        targets = await Targets.ListAsync(includeRetired: false);
        // The demo shop's target is where checkout's database lives: the likeliest answer for the default service.
        targetId = targets.FirstOrDefault(t => t.Name == "shop")?.Id;
    }

    private async Task OpenAsync()
    {
        if (Busy)
            return;
        Incident? opened = null;
        if (await RunAsync(async actor => opened = await Incidents.OpenAsync(actor, new NewIncident(title ?? "", severity, service ?? "", targetId,
                Summary: string.IsNullOrWhiteSpace(summary) ? null : summary))))
            Dialog.Close(DialogResult.Ok(opened!.Number));
    }

    private void Cancel() => Dialog.Cancel();

    internal static string SeverityHint(IncidentSeverity severity) => severity switch
    {
        IncidentSeverity.Sev1 => "checkout down for everyone",
        IncidentSeverity.Sev2 => "many customers affected",
        IncidentSeverity.Sev3 => "some customers affected",
        _ => "a nuisance, no customer impact",
    };
}
