using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Shared;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Changes;

public partial class ChangesPage
{
    private const int PageSize = 200;

    [Inject] public required ChangeRegistry Registry { get; init; }
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    /// <summary>Deep links such as the health page's "/changes?status=Detected" preselect the status filter.</summary>
    [SupplyParameterFromQuery(Name = "status")] public string? StatusQuery { get; set; }

    private IReadOnlyList<TargetSummary> targets = [];
    private ChangePage? page;
    private Guid? targetId;
    private ChangeStatus? status;
    private ChangeKind? kind;
    private ChangeRisk? risk;
    private string? author, search;
    private DateRange? range;
    private bool canRegister, canRollBack;
    private Actor? actor;

    private bool Filtered => targetId is not null || status is not null || kind is not null || risk is not null || range is not null
                             || !string.IsNullOrWhiteSpace(author) || !string.IsNullOrWhiteSpace(search);

    /// <summary>Changes come and go in bursts (a drift pass, a rollback's steps): one reload per gap is enough.</summary>
    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(250);

    protected override bool Notice(OpsEvent e) => e is ChangeUpdated;

    protected override async Task OnLiveAsync()
    {
        await ReloadAsync();
        StateHasChanged();
    }

    protected override async Task OnInitializedAsync()
    {
        status = Enum.TryParse<ChangeStatus>(StatusQuery, ignoreCase: true, out var fromQuery) ? fromQuery : null;
        actor = (await AuthState).User.ToActor();
        canRegister = actor.Can(Permission.RegisterChange);
        canRollBack = actor.Can(Permission.RollbackChange);
        targets = await Targets.ListAsync(includeRetired: true); // a retired target's changes are still history to filter
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        var to = range?.End?.Date.AddDays(1);
        page = await Registry.ListAsync(new ChangeFilter(targetId, status, kind, author?.Trim(), risk,
            range?.Start is { } from ? new DateTimeOffset(from.Date, TimeSpan.Zero) : null,
            to is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null,
            search, Take: PageSize));
    }

    /// <summary>The list row carries no entity: the dialog gets the change as it is now.</summary>
    private async Task RollBackAsync(ChangeListItem item)
    {
        if (actor is null || await Registry.GetAsync(item.Id) is not { } change)
            return;
        if (await RollbackDialog.ShowAsync(Dialogs, change, actor))
            await ReloadAsync();
    }

    internal static string KindText(ChangeKind kind) => kind switch
    {
        ChangeKind.Sql => "SQL",
        _ => kind.ToString(),
    };
}
