using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Live;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>
/// One incident: its header and controls, suspects with one-click rollback, impact and durations, the timeline with
/// notes, and the postmortem. Everything re-reads on <see cref="IncidentUpdated"/> for this incident, so the timeline
/// writes itself on every open page. Viewers see all of it and no action.
/// </summary>
public partial class IncidentDetailPage
{
    [Inject] public required IncidentQueries Queries { get; init; }
    [Inject] public required CheckoutHealth Health { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    [Parameter] public int Number { get; set; }

    private IncidentDetail? detail;
    private IncidentImpact? impact;
    private Actor? actor;
    private bool canManage, loaded;
    private int tab;

    /// <summary>A rollback writes several entries in a second: one reload per gap is enough.</summary>
    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(250);

    protected override bool Notice(OpsEvent e) => e is IncidentUpdated u && u.Number == Number;

    protected override async Task OnLiveAsync()
    {
        await ReloadAsync();
        StateHasChanged();
    }

    protected override async Task OnParametersSetAsync()
    {
        actor = (await AuthState).User.ToActor();
        canManage = Incident.CanManage(actor);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        detail = await Queries.GetByNumberAsync(Number);
        loaded = true;
        if (detail?.Incident is { } i)
        {
            var (from, to) = IncidentFormat.ImpactWindow(i.OnsetAt, i.RecoveredAt, i.ResolvedAt, Now);
            impact = IncidentImpact.Of(await Health.SeriesAsync(from, to, i.Service));
        }
    }
}
