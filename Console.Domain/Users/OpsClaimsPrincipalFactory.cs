using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace OpsConsole.Domain.Users;

/// <summary>
/// Identity's claims (id, name, roles, security stamp) plus <see cref="MustChangePasswordClaim"/> while the password
/// must change. The cookie is rebuilt from here at every security stamp check, so the claim follows the account.
/// </summary>
public sealed class OpsClaimsPrincipalFactory(UserManager<OpsUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<OpsUser, IdentityRole>(users, roles, options)
{
    public const string MustChangePasswordClaim = "ops:must_change_password";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(OpsUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword)
            identity.AddClaim(new Claim(MustChangePasswordClaim, "true"));
        return identity;
    }
}
