using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Api;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Admin;

public partial class ApiKeysPage
{
    [Inject] public required ApiKeyService Keys { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    private MudForm? form;
    private IReadOnlyList<ApiKeySummary>? keys;
    private string draftName = "";
    private readonly HashSet<string> draftScopes = [ApiScopes.ChangesWrite];
    // Held only in this circuit's memory until the admin closes the alert or leaves: the store has the hash alone.
    private CreatedApiKey? created;
    private string? formError, fieldError, errorField;
    private bool busy;

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync() => keys = await Keys.ListAsync();

    private void ToggleScope(string scope, bool on)
    {
        if (on) draftScopes.Add(scope);
        else draftScopes.Remove(scope);
    }

    private async Task CreateAsync()
    {
        formError = fieldError = errorField = null;
        await form!.ValidateAsync();
        if (!form.IsValid)
            return;
        await RunAsync(async actor =>
        {
            created = await Keys.CreateAsync(actor, draftName, draftScopes.ToList());
            draftName = "";
        });
    }

    private async Task RevokeAsync(ApiKeySummary key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke API key",
            $"Revoke {key.Name}? Pipelines that use it are refused from the next request, and it cannot be restored.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
            return;
        await RunAsync(async actor =>
        {
            await Keys.RevokeAsync(actor, key.Id);
            Snackbar.Add($"Revoked {key.Name}.", Severity.Success);
        });
    }

    /// <summary>Runs a mutation as the signed-in admin; the domain decides and its refusal is shown.</summary>
    private async Task RunAsync(Func<Actor, Task> mutation)
    {
        busy = true;
        try
        {
            await mutation((await AuthState).User.ToActor());
            await ReloadAsync();
        }
        catch (DomainRuleException rule) when (rule.Field is "Name")
        {
            (errorField, fieldError) = (rule.Field, rule.Message);
        }
        catch (Exception e) when (e is DomainRuleException or AccessDeniedException)
        {
            formError = e.Message;
        }
        finally
        {
            busy = false;
        }
    }
}
