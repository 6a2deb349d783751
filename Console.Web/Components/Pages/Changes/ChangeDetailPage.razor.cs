using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Shared;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Changes;

public partial class ChangeDetailPage
{
    [Inject] public required ChangeRegistry Registry { get; init; }
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required AuditIntents Intents { get; init; }
    [Inject] public required RehearsalService Rehearsals { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    [Parameter] public int Number { get; set; }

    private ConfigChange? change;
    private IReadOnlyList<AuditEntry> unknownOutcomes = [];
    private Actor? actor;
    /// <summary>The rehearsal the change last recorded (its verdict is what the review policy reads), shown by the actions.</summary>
    private Rehearsal? latestRehearsal;
    private string targetName = "";
    private bool loaded;

    /// <summary>Changes come and go in bursts (a drift pass, a rollback's steps): one reload per gap is enough.</summary>
    protected override TimeSpan RenderGap => TimeSpan.FromMilliseconds(250);

    protected override bool Notice(OpsEvent e) => e is ChangeUpdated u && u.Number == Number;

    /// <summary>
    /// While the rollback dialog is open, the page behind it waits: the rollback's own record is what changes it, and
    /// reloading and re-rendering the page then would compete with the dialog showing the outcome. It catches up on close.
    /// </summary>
    private bool rollbackOpen, changedWhileOpen;

    private void OnRollbackOpen(bool open)
    {
        rollbackOpen = open;
        if (open || !changedWhileOpen)
            return;
        changedWhileOpen = false;
        _ = InvokeAsync(OnLiveAsync);
    }

    protected override async Task OnLiveAsync()
    {
        if (rollbackOpen)
        {
            changedWhileOpen = true;
            return;
        }
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
        changedWhileOpen = false;
        change = await Registry.GetByNumberAsync(Number);
        unknownOutcomes = change is null ? [] : await Intents.UnresolvedAboutAsync($"change:{change.Number}");
        latestRehearsal = change?.LastRehearsalId is { } last ? await Rehearsals.GetAsync(last) : null;
        loaded = true;
        if (change is not null && targetName.Length == 0)
        {
            try { targetName = (await Targets.GetAsync(change.TargetId)).Name; }
            catch (DomainRuleException) { targetName = "(removed target)"; }
        }
    }

    /// <summary>What the author wrote, with the unit when they gave a bare number (drift shows pg_settings' base unit).</summary>
    private static string AfterText(ConfigChange c) =>
        c.ValueAfter is { } v && v.Length > 0 && (char.IsDigit(v[^1]) || c.Status == ChangeStatus.Detected) ? ChangeFormat.Value(v, c.Unit) : c.ValueAfter ?? "—";

    /// <summary>"change.apply" of "change.apply.intent", in the words of the page.</summary>
    private static string IntentText(AuditEntry intent) => intent.Action[..^AuditIntents.Suffix.Length] switch
    {
        "change.apply" => "An apply",
        "rollback.execute" => "A rollback",
        var other => other,
    };
}
