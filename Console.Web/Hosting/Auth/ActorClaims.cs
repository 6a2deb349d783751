using System.Security.Claims;
using OpsConsole.Domain.Access;

namespace OpsConsole.Web.Hosting.Auth;

public static class ActorClaims
{
    /// <summary>The domain's view of a signed-in person: id, name and roles from the cookie's claims.</summary>
    public static Actor ToActor(this ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The user is not signed in."),
        user.Identity?.Name ?? "unknown",
        user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList());
}
