using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Changes;

public partial class NewChangePage
{
    [Inject] public required ChangeRegistry Registry { get; init; }
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required SettingCatalog Catalog { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    private MudForm? form;
    private IReadOnlyList<TargetSummary> targets = [];
    private IReadOnlyList<SettingInfo> catalog = [];
    private Guid targetId;
    private ChangeRisk risk = ChangeRisk.Medium;
    private int kindIndex;
    private string? title, reason, ticketUrl, plannedAt, value, forwardScript, rollbackScript, description, rollbackSteps, rollbackWebhookUrl;
    private SettingInfo? setting;
    private string? catalogError, formError;
    private readonly Dictionary<string, string> fieldErrors = [];
    private bool busy, canRegister;

    private bool Has(string field) => fieldErrors.ContainsKey(field);
    private string? Err(string field) => fieldErrors.GetValueOrDefault(field);

    protected override async Task OnInitializedAsync()
    {
        canRegister = (await AuthState).User.ToActor().Can(Permission.RegisterChange);
        targets = await Targets.ListAsync();
        if (targets.Count > 0)
            await TargetChangedAsync(targets[0].Id);
    }

    private async Task TargetChangedAsync(Guid id)
    {
        targetId = id;
        setting = null;
        catalog = [];
        catalogError = null;
        try
        {
            catalog = await Catalog.ReadAsync(await Targets.GetAsync(id));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or DomainRuleException or System.Net.Sockets.SocketException)
        {
            catalogError = e.Message;
        }
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
        fieldErrors.Remove("Parameter");
    }

    private async Task SaveAsync(bool submit)
    {
        formError = null;
        fieldErrors.Clear();
        if (!TryParsePlanned(out var planned))
            return;
        busy = true;
        try
        {
            var actor = (await AuthState).User.ToActor();
            var details = new ChangeDetails(title ?? "", reason ?? "", ticketUrl, risk, planned);
            var change = kindIndex switch
            {
                0 => await Registry.RegisterSettingAsync(actor, new SettingChangeRequest(targetId, setting?.Name ?? "", value ?? "", details, submit)),
                1 => await Registry.RegisterSqlAsync(actor, new SqlChangeRequest(targetId, forwardScript ?? "", rollbackScript ?? "", details, submit)),
                _ => await Registry.RegisterExternalAsync(actor,
                    new ExternalChangeRequest(targetId, description ?? "", rollbackSteps ?? "", rollbackWebhookUrl, details, submit)),
            };
            Navigation.NavigateTo($"/changes/{change.Number}");
        }
        catch (DomainRuleException rule) when (rule.Field is not null)
        {
            fieldErrors[rule.Field!] = rule.Message;
        }
        catch (Exception e) when (e is DomainRuleException or AccessDeniedException or NpgsqlException or TimeoutException)
        {
            formError = e.Message;
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>The browser's datetime-local field sends "yyyy-MM-ddTHH:mm"; the label says it is UTC.</summary>
    private bool TryParsePlanned(out DateTimeOffset? planned)
    {
        planned = null;
        if (string.IsNullOrWhiteSpace(plannedAt))
            return true;
        if (DateTime.TryParse(plannedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            planned = new DateTimeOffset(at, TimeSpan.Zero);
            return true;
        }
        fieldErrors["PlannedAt"] = "Give the planned time as a date and time (UTC).";
        return false;
    }
}
