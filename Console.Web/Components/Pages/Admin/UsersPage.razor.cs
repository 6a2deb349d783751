using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Users;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Admin;

public partial class UsersPage
{
    [Inject] public required UserAdministration Users { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private MudForm? form;
    private List<UserRow>? rows;
    private Draft draft = new();
    private string? search;

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
        Errors.Clear();
        await form!.ValidateAsync();
        if (!form.IsValid)
            return;
        await MutateAsync(async actor =>
        {
            await Users.CreateAsync(actor, new NewUser(draft.UserName, draft.DisplayName, draft.Password, draft.Roles.ToList()));
            Snackbar.Add($"Created {draft.UserName}.", Severity.Success);
            draft = new();
        });
    }

    private Task SaveRolesAsync(UserRow row) => MutateAsync(async actor =>
    {
        await Users.SetRolesAsync(actor, row.User.Id, row.Roles.ToList());
        Snackbar.Add($"Saved the roles of {row.User.UserName}.", Severity.Success);
    });

    private Task SetDisabledAsync(UserRow row, bool disabled) => MutateAsync(async actor =>
    {
        await Users.SetDisabledAsync(actor, row.User.Id, disabled);
        Snackbar.Add($"{(disabled ? "Disabled" : "Enabled")} {row.User.UserName}.", Severity.Success);
    });

    /// <summary>A refusal that is not about a form field is also shown as a snackbar: row actions have no form.</summary>
    private async Task MutateAsync(Func<Actor, Task> mutation)
    {
        if (await RunAsync(mutation))
            await ReloadAsync();
        else if (Errors.FormMessage("UserName", "Password") is { } message)
            Snackbar.Add(message, Severity.Error);
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
