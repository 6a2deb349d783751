using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Users;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Admin;

public partial class UsersPage
{
    [Inject] public required UserAdministration Users { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    private MudForm? form;
    private List<UserRow>? rows;
    private Draft draft = new();
    private string? search, formError, fieldError, errorField;
    private bool busy;

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync() =>
        rows = (await Users.ListAsync()).Select(u => new UserRow(u)).ToList();

    private bool Matches(UserRow row) =>
        string.IsNullOrWhiteSpace(search)
        || row.User.UserName.Contains(search, StringComparison.OrdinalIgnoreCase)
        || row.User.DisplayName.Contains(search, StringComparison.OrdinalIgnoreCase);

    private static void Toggle(ICollection<string> roles, string role, bool on)
    {
        if (on && !roles.Contains(role)) roles.Add(role);
        if (!on) roles.Remove(role);
    }

    private async Task CreateAsync()
    {
        formError = fieldError = errorField = null;
        await form!.ValidateAsync();
        if (!form.IsValid)
            return;
        await RunAsync(async actor =>
        {
            await Users.CreateAsync(actor, new NewUser(draft.UserName, draft.DisplayName, draft.Password, draft.Roles.ToList()));
            Snackbar.Add($"Created {draft.UserName}.", Severity.Success);
            draft = new();
        });
    }

    private Task SaveRolesAsync(UserRow row) => RunAsync(async actor =>
    {
        await Users.SetRolesAsync(actor, row.User.Id, row.Roles.ToList());
        Snackbar.Add($"Saved the roles of {row.User.UserName}.", Severity.Success);
    });

    private Task SetDisabledAsync(UserRow row, bool disabled) => RunAsync(async actor =>
    {
        await Users.SetDisabledAsync(actor, row.User.Id, disabled);
        Snackbar.Add($"{(disabled ? "Disabled" : "Enabled")} {row.User.UserName}.", Severity.Success);
    });

    /// <summary>Runs a mutation as the signed-in user; the domain decides and its refusal is shown, not hidden.</summary>
    private async Task RunAsync(Func<Actor, Task> mutation)
    {
        busy = true;
        try
        {
            await mutation((await AuthState).User.ToActor());
            await ReloadAsync();
        }
        catch (DomainRuleException rule) when (rule.Field is not null)
        {
            (errorField, fieldError) = (rule.Field, rule.Message);
        }
        catch (Exception e) when (e is DomainRuleException or AccessDeniedException)
        {
            formError = e.Message;
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    private sealed class Draft
    {
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Password { get; set; } = "";
        public HashSet<string> Roles { get; } = [];
    }

    private sealed class UserRow(UserSummary user)
    {
        public UserSummary User { get; } = user;
        public List<string> Roles { get; } = [.. user.Roles];
        public bool RolesChanged => !Roles.Order().SequenceEqual(User.Roles.Order());
    }
}
