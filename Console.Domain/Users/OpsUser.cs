using Microsoft.AspNetCore.Identity;

namespace OpsConsole.Domain.Users;

/// <summary>A member of staff with a local account. Roles are Identity roles named in <see cref="Access.Roles"/>.</summary>
public sealed class OpsUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>A disabled user cannot sign in; open sessions end at the next revalidation.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>Set for a password nobody chose (the generated first one): every page sends the user to change it.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The clock this person reads times in on the pages; see <see cref="AccountPreferences"/>.</summary>
    public TimeZonePreference TimeZonePreference { get; set; }
}
