using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>One rehearsal: live while it runs (from whichever console runs it), then its report.</summary>
public partial class RehearsalPage
{
    [Inject] public required RehearsalService Rehearsals { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    [Parameter] public Guid Id { get; set; }

    private readonly RehearsalLiveState live = new();
    private Rehearsal? rehearsal;
    private Actor? actor;
    private bool loaded;

    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(500);

    protected override bool Notice(OpsEvent e) =>
        e is RehearsalProgressed p && p.RehearsalId == Id && live.Note(p, _ => rehearsal?.Status);

    protected override async Task OnLiveAsync()
    {
        if (live.TakeStale())
            await ReloadAsync();
        StateHasChanged();
    }

    protected override async Task OnParametersSetAsync()
    {
        actor = (await AuthState).User.ToActor();
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        rehearsal = await Rehearsals.GetAsync(Id);
        loaded = true;
    }

    private bool CanCancel => actor?.Can(Permission.RunRehearsals) == true;
}
