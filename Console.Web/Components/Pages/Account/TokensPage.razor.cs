using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Web.Components.Pages.Account;

/// <summary>The signed-in person's own API tokens: make one (shown once), see when each was last used, revoke.</summary>
public partial class TokensPage
{
    [Inject] public required PersonalTokens Tokens { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private MudForm? form;
    private IReadOnlyList<ApiKeySummary>? tokens;
    private string draftName = "";
    private readonly HashSet<string> draftScopes = [ApiScopes.Read];
    // Held only in this circuit's memory until the person closes the alert or leaves: the store has the hash alone.
    private CreatedApiKey? created;

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync() => tokens = await Tokens.ListAsync(await ActorAsync());

    private static string ScopeHelp(string scope) => scope switch
    {
        ApiScopes.Read => "Read changes, rollback runs and rehearsals",
        ApiScopes.ChangesWrite => "Register changes as their author, and submit them for review",
        ApiScopes.EventsWrite => "Send checkout events",
        ApiScopes.AlertsWrite => "Send alerts, which open incidents",
        ApiScopes.IncidentsWrite => "Open incidents and add notes",
        ApiScopes.RollbacksWrite => "Roll changes back",
        ApiScopes.ChangesReview => "Approve and reject changes (never your own)",
        ApiScopes.ChangesApply => "Apply approved changes to their target",
        ApiScopes.RehearsalsWrite => "Rehearse changes on staging (and cancel rehearsals)",
        _ => scope,
    };

    private void ToggleScope(string scope, bool on)
    {
        if (on) draftScopes.Add(scope);
        else draftScopes.Remove(scope);
    }

    private async Task CreateAsync()
    {
        Errors.Clear();
        await form!.ValidateAsync();
        if (!form.IsValid)
            return;
        if (await RunAsync(async actor => created = await Tokens.CreateAsync(actor, draftName, draftScopes.ToList())))
        {
            draftName = "";
            await ReloadAsync();
        }
    }

    private async Task RevokeAsync(ApiKeySummary token)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke token",
            $"Revoke {token.Name}? Scripts that use it are refused from the next request, and it cannot be restored.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
            return;
        if (await RunAsync(actor => Tokens.RevokeAsync(actor, token.Id)))
        {
            Snackbar.Add($"Revoked {token.Name}.", Severity.Success);
            await ReloadAsync();
        }
        else
            Snackbar.Add(Errors.Message!, Severity.Error);
    }
}
