using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.Live;

namespace OpsConsole.Web.Components.Pages.Alerts;

/// <summary>The alert rules for admins: each rule's settings and where it stands now; edits go through a dialog, enabling through a switch.</summary>
public partial class AlertRulesPage : IDisposable
{
    [Inject] public required AlertRuleService Rules { get; init; }
    [Inject] public required LiveEvents Live { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private IReadOnlyList<AlertRule>? rules;
    private IDisposable? subscription;

    protected override void OnInitialized() =>
        subscription = Live.Subscribe(e => e is AlertRuleUpdated ? InvokeAsync(async () => { await ReloadAsync(); StateHasChanged(); }) : Task.CompletedTask);

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync() => rules = await Rules.ListAsync();

    private async Task SetEnabledAsync(AlertRule rule, bool enabled)
    {
        if (await RunAsync(actor => Rules.SetEnabledAsync(actor, rule.Id, enabled)))
            Snackbar.Add(enabled ? $"{rule.Name} is enabled." : $"{rule.Name} is disabled.", Severity.Success);
        await ReloadAsync();
    }

    private async Task EditAsync(AlertRule rule)
    {
        if (await AlertRuleDialog.ShowAsync(Dialogs, rule, await ActorAsync()))
        {
            Snackbar.Add($"Saved {rule.Name}.", Severity.Success);
            await ReloadAsync();
        }
    }

    private static Color StatusColor(AlertRule rule) => !rule.Enabled ? Color.Default : rule.Status switch
    {
        AlertRuleStatus.Firing => Color.Error,
        AlertRuleStatus.Clearing or AlertRuleStatus.Pending => Color.Warning,
        _ => Color.Success,
    };

    public void Dispose() => subscription?.Dispose();
}
