using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Identity;
using OpsConsole.Domain;
using OpsConsole.Domain.Users;
using OpsConsole.Web.Api;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Account;

/// <summary>
/// Static server rendering, like the login page: a new password moves the security stamp, so the page must re-issue
/// its own cookie, which an interactive circuit cannot write.
/// </summary>
public partial class ChangePassword
{
    [Inject] public required PasswordChanges Passwords { get; init; }
    [Inject] public required SignInManager<OpsUser> SignIn { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm]
    private ChangePasswordInput Input { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    private EditContext editContext = default!;
    private ValidationMessageStore refusals = default!;
    private string? message;

    private bool Required => HttpContext.User.HasClaim(c => c.Type == OpsClaimsPrincipalFactory.MustChangePasswordClaim);

    private string? UserName => HttpContext.User.Identity?.Name;

    protected override void OnInitialized()
    {
        Input ??= new();
        editContext = new EditContext(Input);
        refusals = new ValidationMessageStore(editContext);
    }

    private async Task ChangeAsync()
    {
        try
        {
            await Passwords.ChangeAsync(HttpContext.User.ToActor(), Input.CurrentPassword, Input.NewPassword, HttpContext.RequestAborted);
        }
        catch (DomainRuleException rule)
        {
            var field = rule.Field is nameof(ChangePasswordInput.CurrentPassword) or nameof(ChangePasswordInput.NewPassword) ? rule.Field : null;
            if (field is null)
                message = rule.Message;
            else
                refusals.Add(editContext.Field(field), rule.Message);
            // Typed passwords are not sent back in the page.
            Input.CurrentPassword = Input.NewPassword = Input.ConfirmPassword = "";
            editContext.NotifyValidationStateChanged();
            return;
        }

        var user = await SignIn.UserManager.GetUserAsync(HttpContext.User)
            ?? throw new InvalidOperationException("The signed-in user no longer exists.");
        // A cookie with the new security stamp and without the must-change claim; the old one would be refused within a minute.
        await SignIn.RefreshSignInAsync(user);
        Navigation.NavigateTo(AccountEndpoints.LocalOrHome(ReturnUrl));
    }

    private sealed class ChangePasswordInput
    {
        [Required(ErrorMessage = "Enter your current password.")]
        public string CurrentPassword { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password.")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords differ.")]
        public string ConfirmPassword { get; set; } = "";
    }
}
