using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Users;

namespace OpsConsole.Web.Hosting.Auth;

/// <summary>Identity's sign-in manager, refusing disabled users (PasswordSignInAsync then reports NotAllowed).</summary>
public sealed class OpsSignInManager(UserManager<OpsUser> userManager, IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<OpsUser> claimsFactory, IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<OpsUser>> logger,
    IAuthenticationSchemeProvider schemes, IUserConfirmation<OpsUser> confirmation)
    : SignInManager<OpsUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(OpsUser user) => !user.IsDisabled && await base.CanSignInAsync(user);
}
