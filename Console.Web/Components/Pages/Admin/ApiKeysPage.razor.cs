using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Web.Components.Pages.Admin;

public partial class ApiKeysPage
{
    [Inject] public required ApiKeyService Keys { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private MudForm? form;
    private IReadOnlyList<ApiKeySummary>? keys;
    private string draftName = "";
    private readonly HashSet<string> draftScopes = [ApiScopes.ChangesWrite];
    // Held only in this circuit's memory until the admin closes the alert or leaves: the store has the hash alone.
    private CreatedApiKey? created;

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync() => keys = await Keys.ListAsync();

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
        if (await RunAsync(async actor => created = await Keys.CreateAsync(actor, draftName, draftScopes.ToList())))
        {
            draftName = "";
            await ReloadAsync();
        }
    }

    private async Task RevokeAsync(ApiKeySummary key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke API key",
            $"Revoke {key.Name}? Pipelines that use it are refused from the next request, and it cannot be restored.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
            return;
        if (await RunAsync(actor => Keys.RevokeAsync(actor, key.Id)))
        {
            Snackbar.Add($"Revoked {key.Name}.", Severity.Success);
            await ReloadAsync();
        }
        else
            Snackbar.Add(Errors.Message!, Severity.Error);
    }
}
