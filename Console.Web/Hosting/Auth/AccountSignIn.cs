using Microsoft.AspNetCore.Identity;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Users;

namespace OpsConsole.Web.Hosting.Auth;

public enum SignInOutcome { SignedIn, Refused }

/// <summary>
/// Signing in and out, audited. Sign-in with a local password: Every failure looks the same to the person signing in (an unknown name, a wrong
/// password, a disabled or locked account), so the page cannot be used to find accounts; the audit trail records
/// the true reason. Scoped: it signs in on the request's cookie.
/// </summary>
public sealed class AccountSignIn(SignInManager<OpsUser> signIn, OpsDbContext db, AuditLog audit, IHttpContextAccessor http)
{
    public const string SignedIn = "account.signed_in", Failed = "account.sign_in_failed", LockedOut = "account.locked_out", SignedOut = "account.signed_out";

    /// <summary>Who is signing in is not known yet: failures are recorded against this actor, with the typed name as subject.</summary>
    private static readonly Actor Anonymous = new("anonymous", "anonymous", []);

    public async Task<SignInOutcome> PasswordSignInAsync(string userName, string password, bool remember, CancellationToken ct = default)
    {
        userName = userName.Trim();
        var address = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        // Control characters cannot be in a user name and PostgreSQL refuses NUL in text: no lookup, and a cleaned subject.
        var user = userName.Any(char.IsControl) ? null : await signIn.UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            SpendAPasswordCheck(password);
            await RecordAsync(Anonymous, Failed, Subject(userName), new { reason = "unknown_user", address }, AuditOutcome.Refused, ct);
            return SignInOutcome.Refused;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var wasLockedOut = await signIn.UserManager.IsLockedOutAsync(user);
        // Checks without signing in: the cookie is written only once the audit entry is committed.
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        var subject = Subject(user.UserName!);
        if (result.Succeeded)
            audit.Record(db, new Actor(user.Id, user.UserName!, []), SignedIn, subject, new { method = "password", address });
        else
        {
            var reason = result.IsNotAllowed ? "disabled" : result.IsLockedOut && wasLockedOut ? "locked_out" : "wrong_password";
            if (reason != "wrong_password")
                SpendAPasswordCheck(password); // Identity refused these before looking at the password
            audit.Record(db, Anonymous, Failed, subject, new { reason, address }, AuditOutcome.Refused);
            if (result.IsLockedOut && !wasLockedOut)
                audit.Record(db, Actor.System, LockedOut, subject,
                    new { until = await signIn.UserManager.GetLockoutEndDateAsync(user), failures = signIn.Options.Lockout.MaxFailedAccessAttempts, address });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        if (!result.Succeeded)
            return SignInOutcome.Refused;
        await signIn.SignInAsync(user, remember);
        return SignInOutcome.SignedIn;
    }

    /// <summary>A single sign-on that the identity provider vouched for: signed in, or refused for a disabled account.</summary>
    public async Task<SignInOutcome> ExternalSignInAsync(OpsUser user, string provider, CancellationToken ct = default)
    {
        var address = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        var subject = Subject(user.UserName!);
        if (!await signIn.CanSignInAsync(user))
        {
            await RecordAsync(Anonymous, Failed, subject, new { reason = "disabled", method = provider, address }, AuditOutcome.Refused, ct);
            return SignInOutcome.Refused;
        }
        await RecordAsync(new Actor(user.Id, user.UserName!, []), SignedIn, subject, new { method = provider, address }, AuditOutcome.Succeeded, ct);
        await signIn.SignInAsync(user, isPersistent: false);
        return SignInOutcome.SignedIn;
    }

    public async Task SignOutAsync(CancellationToken ct = default)
    {
        var principal = http.HttpContext?.User;
        if (principal?.Identity?.IsAuthenticated == true)
            await RecordAsync(principal.ToActor(), SignedOut, Subject(principal.Identity.Name ?? ""),
                new { address = http.HttpContext?.Connection.RemoteIpAddress?.ToString() }, AuditOutcome.Succeeded, ct);
        await signIn.SignOutAsync();
    }

    private async Task RecordAsync(Actor actor, string action, string subject, object details, AuditOutcome outcome, CancellationToken ct)
    {
        audit.Record(db, actor, action, subject, details, outcome);
        await db.SaveChangesAsync(ct);
    }

    public static string Subject(string userName)
    {
        var clean = new string(userName.Where(c => !char.IsControl(c)).Take(200).ToArray());
        return $"user:{clean}";
    }

    /// <summary>
    /// Costs what checking a real password costs, so that the answer's timing does not tell an unknown, disabled or
    /// locked account from a wrong password.
    /// </summary>
    private void SpendAPasswordCheck(string password)
    {
        var hasher = signIn.UserManager.PasswordHasher;
        unknownUserHash ??= hasher.HashPassword(new OpsUser(), Guid.NewGuid().ToString());
        hasher.VerifyHashedPassword(new OpsUser(), unknownUserHash, password);
    }

    /// <summary>A hash no password matches, made with the console's own hasher settings.</summary>
    private static string? unknownUserHash;
}
