using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Changes;

public partial class NewChangePage : ActorComponentBase
{
    [Inject] public required ChangeRegistry Registry { get; init; }
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required SettingCatalog Catalog { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }
    [Inject] public required TimeProvider Time { get; init; }

    private MudForm? form;
    private IReadOnlyList<TargetSummary> targets = [];
    private IReadOnlyList<SettingInfo> catalog = [];
    private Guid targetId;
    private ChangeRisk risk = ChangeRisk.Medium;
    private int kindIndex;
    private string? title, reason, ticketUrl, plannedAt, value, forwardScript, rollbackScript, description, rollbackSteps, rollbackWebhookUrl;
    private SettingInfo? setting;
    private string? catalogError;
    private bool canRegister;

    private static readonly string[] Fields = ["TargetId", "Risk", "PlannedAt", "Title", "Reason", "TicketUrl", "Parameter", "Value",
        "ForwardScript", "RollbackScript", "Description", "RollbackSteps", "RollbackWebhookUrl"];

    private bool Has(string field) => Errors.Has(field);
    private string? Err(string field) => Errors.For(field);
    private string? FormError => Errors.FormMessage(Fields);

    protected override async Task OnInitializedAsync()
    {
        canRegister = (await ActorAsync()).Can(Permission.RegisterChange);
        targets = await Targets.ListAsync();
        if (targets.Count > 0)
            await TargetChangedAsync(targets[0].Id);
    }

    private async Task TargetChangedAsync(Guid id)
    {
        targetId = id;
        setting = null;
        catalog = [];
        catalogError = (await RefusalOfAsync(async () => catalog = await Catalog.ReadAsync(await Targets.GetAsync(id))))?.Message;
    }

    private Task<IEnumerable<SettingInfo>> SearchSettings(string? text, CancellationToken ct)
    {
        var term = (text ?? "").Trim();
        IEnumerable<SettingInfo> matches = catalog.Where(s => s.Context != "internal");
        if (term.Length > 0)
            matches = matches.Where(s => s.Name.Contains(term, StringComparison.OrdinalIgnoreCase))
                .OrderBy(s => s.Name.StartsWith(term, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(s => s.Name);
        return Task.FromResult(matches);
    }

    private void SettingPicked(SettingInfo? picked)
    {
        setting = picked;
        if (Errors.Has("Parameter"))
            Errors.Clear();
    }

    private async Task SaveAsync(bool submit)
    {
        Errors.Clear();
        if (!TryParsePlanned(out var planned))
            return;
        ConfigChange? change = null;
        var details = new ChangeDetails(title ?? "", reason ?? "", ticketUrl, risk, planned);
        if (await RunAsync(async actor => change = kindIndex switch
            {
                0 => await Registry.RegisterSettingAsync(actor, new SettingChangeRequest(targetId, setting?.Name ?? "", value ?? "", details, submit)),
                1 => await Registry.RegisterSqlAsync(actor, new SqlChangeRequest(targetId, forwardScript ?? "", rollbackScript ?? "", details, submit)),
                _ => await Registry.RegisterExternalAsync(actor,
                    new ExternalChangeRequest(targetId, description ?? "", rollbackSteps ?? "", rollbackWebhookUrl, details, submit)),
            }))
            Navigation.NavigateTo($"/changes/{change!.Number}");
    }

    /// <summary>The browser's datetime-local field sends "yyyy-MM-ddTHH:mm" in the viewer's zone, which its label names.</summary>
    private bool TryParsePlanned(out DateTimeOffset? planned)
    {
        (planned, var error) = ViewerTimeZone.ReadInput(plannedAt, Zone);
        if (error is null)
            return true;
        Errors.Add("PlannedAt", error == ViewerTimeZone.NotATime ? "Give the planned time as a date and time." : error);
        return false;
    }
}
