using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Alerts;

/// <summary>Edits one rule's settings; the domain checks them and names the field of a refusal, which shows on that field.</summary>
public partial class AlertRuleDialog : ActorComponentBase
{
    private static readonly string[] Fields =
        ["Name", "Level", "Threshold", "ClearThreshold", "Window", "ShortWindow", "Objective", "MinimumVolume", "HoldFor", "ClearFor", "Service", "Target"];

    [Inject] public required AlertRuleService Rules { get; init; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; init; }
    [Parameter, EditorRequired] public required AlertRule Rule { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }

    private string? name, service, target;
    private AlertLevel level;
    private double threshold, clearThreshold, objective;
    private int windowMinutes, shortWindowMinutes, holdSeconds, clearSeconds;
    private long minimumVolume;

    /// <summary>Opens the dialog for a rule; true when the edit was saved.</summary>
    public static async Task<bool> ShowAsync(IDialogService dialogs, AlertRule rule, Actor actor)
    {
        var parameters = new DialogParameters<AlertRuleDialog> { { d => d.Rule, rule }, { d => d.Actor, actor } };
        var reference = await dialogs.ShowAsync<AlertRuleDialog>($"Edit {rule.Name}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        var result = await reference.Result;
        return result is { Canceled: false, Data: true };
    }

    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    protected override void OnInitialized()
    {
        (name, level, threshold, clearThreshold, service, target) = (Rule.Name, Rule.Level, Rule.Threshold, Rule.ClearThreshold, Rule.Service, Rule.Target);
        (windowMinutes, shortWindowMinutes) = ((int)Rule.Window.TotalMinutes, (int)(Rule.ShortWindow ?? TimeSpan.Zero).TotalMinutes);
        (objective, minimumVolume) = (Rule.Objective ?? 0.995, Rule.MinimumVolume);
        (holdSeconds, clearSeconds) = ((int)Rule.HoldFor.TotalSeconds, (int)Rule.ClearFor.TotalSeconds);
    }

    private AlertRuleSettings Settings() => new(name ?? "", level, threshold, clearThreshold, TimeSpan.FromMinutes(windowMinutes),
        TimeSpan.FromSeconds(holdSeconds), TimeSpan.FromSeconds(clearSeconds), minimumVolume,
        Rule.Kind == AlertRuleKind.SloBurnRate ? TimeSpan.FromMinutes(shortWindowMinutes) : null,
        Rule.Kind == AlertRuleKind.SloBurnRate ? objective : null, service, target, Rule.Enabled);

    private async Task SaveAsync()
    {
        if (await RunAsync(actor => Rules.UpdateAsync(actor, Rule.Id, Settings())))
            Dialog.Close(DialogResult.Ok(true));
    }

    private void Cancel() => Dialog.Cancel();
}
