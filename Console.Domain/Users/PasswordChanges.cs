using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Users;

/// <summary>A signed-in person changes their own password: the current one proves it is them, Identity's rules judge the new one.</summary>
public sealed class PasswordChanges(IServiceScopeFactory scopes, AuditLog audit)
{
    public const string Action = "account.password_changed";

    /// <summary>
    /// Changes the password, clears <see cref="OpsUser.MustChangePassword"/> and moves the security stamp (other
    /// sessions end at their next check); the caller re-issues its own cookie. Refusals name the field and are audited.
    /// </summary>
    public async Task ChangeAsync(Actor actor, string currentPassword, string newPassword, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        var user = await users.FindByIdAsync(actor.Id) ?? throw new DomainRuleException("Your account no longer exists.");
        var subject = $"user:{user.UserName}";

        if (!await users.HasPasswordAsync(user))
            throw new DomainRuleException("Your account signs in through single sign-on: change your password at your identity provider.");
        if (!await users.CheckPasswordAsync(user, currentPassword))
            await RefuseAsync(db, actor, subject, "wrong_current_password", "The current password is wrong.", nameof(currentPassword), ct);
        if (newPassword == currentPassword)
            await RefuseAsync(db, actor, subject, "unchanged", "The new password must differ from the current one.", nameof(newPassword), ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var required = user.MustChangePassword;
        user.MustChangePassword = false; // saved by ChangePasswordAsync, with the new hash and security stamp
        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!changed.Succeeded)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            await RefuseAsync(db, actor, subject, "password_rules", string.Join(" ", changed.Errors.Select(e => e.Description)), nameof(newPassword), ct);
        }
        audit.Record(db, actor, Action, subject, new { required });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private async Task RefuseAsync(OpsDbContext db, Actor actor, string subject, string reason, string message, string field, CancellationToken ct)
    {
        audit.Record(db, actor, Action, subject, new { reason }, AuditOutcome.Refused);
        await db.SaveChangesAsync(ct);
        throw new DomainRuleException(message, char.ToUpperInvariant(field[0]) + field[1..]);
    }
}
