using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Impact;
using OpsConsole.Domain.Live;
using OpsConsole.Web.Components.Shared;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>
/// Every incident that began in the chosen window, newest first, with how long it lasted and what it cost checkout:
/// the page managers read, and where on-call opens one by hand. It follows <see cref="IncidentUpdated"/> live.
/// </summary>
public partial class IncidentsPage
{
    private const int PageSize = 200;

    [Inject] public required IncidentQueries Queries { get; init; }
    [Inject] public required CheckoutHealth Health { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    private readonly TimeWindowChoice range = new();
    private IncidentPage? page;
    private IReadOnlyList<string> services = [];
    private string? service, search;
    private IncidentStatus? status;
    private bool canManage;
    private Actor? actor;
    // A resolved incident's impact no longer changes: read once per page, not on every live refresh.
    private readonly Dictionary<Guid, IncidentImpact> settledImpact = [];
    private Dictionary<Guid, IncidentImpact> impact = [];

    private bool Filtered => service is not null || status is not null || !string.IsNullOrWhiteSpace(search);

    /// <summary>The search narrows what is loaded: titles, services, targets and commanders are all on the page already.</summary>
    private IEnumerable<IncidentListItem>? Shown => page?.Items.Where(Matches);

    /// <summary>Incidents change in bursts (an alert, suspects, a rollback's entries): one reload per gap is enough.</summary>
    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(250);

    protected override bool Notice(OpsEvent e) => e is IncidentUpdated;

    protected override async Task OnLiveAsync()
    {
        await ReloadAsync();
        StateHasChanged();
    }

    protected override async Task OnInitializedAsync()
    {
        range.Pick(TimeRange.Day);
        actor = (await AuthState).User.ToActor();
        canManage = Incident.CanManage(actor);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        // A quick range ends now; an incident opened a moment ago must not fall outside it on a live refresh.
        if (range.Resolve(Now) is not { } window)
            return;
        services = await Queries.ServicesAsync();
        page = await Queries.ListAsync(new IncidentFilter(window.From, range.IsCustom ? window.To : null, service, status, Take: PageSize));
        impact = [];
        foreach (var item in page.Items)
            impact[item.Id] = await ImpactOfAsync(item);
    }

    private async Task<IncidentImpact> ImpactOfAsync(IncidentListItem item)
    {
        if (settledImpact.TryGetValue(item.Id, out var settled))
            return settled;
        var (from, to) = IncidentFormat.ImpactWindow(item.OnsetAt, item.RecoveredAt, item.ResolvedAt, Now);
        var figures = IncidentImpact.Of(await Health.SeriesAsync(from, to, item.Service));
        if (item.ResolvedAt is not null)
            settledImpact[item.Id] = figures;
        return figures;
    }

    private string ImpactText(IncidentListItem item) =>
        impact.TryGetValue(item.Id, out var i) && i.Attempts > 0
            ? $"{i.FailedCheckouts:N0} failed ({IncidentFormat.Share(i.FailedShare)})" + (i.EstimatedLostRevenue is { } lost ? $", ~{lost:N0} lost" : "")
            : "—";

    private bool Matches(IncidentListItem item)
    {
        if (string.IsNullOrWhiteSpace(search))
            return true;
        var s = search.Trim();
        return item.Title.Contains(s, StringComparison.OrdinalIgnoreCase) || item.Service.Contains(s, StringComparison.OrdinalIgnoreCase)
            || item.TargetName?.Contains(s, StringComparison.OrdinalIgnoreCase) == true
            || item.CommanderName?.Contains(s, StringComparison.OrdinalIgnoreCase) == true
            || $"#{item.Number}" == s || item.Number.ToString() == s;
    }

    private async Task OpenAsync()
    {
        if (actor is null)
            return;
        if (await OpenIncidentDialog.ShowAsync(Dialogs, actor) is { } opened)
        {
            await ReloadAsync();
            Navigation.NavigateTo($"/incidents/{opened}");
        }
    }
}
