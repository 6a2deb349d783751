using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Users;

/// <summary>
/// Creates users, assigns roles, disables and enables them. Each operation runs in its own scope (one
/// DbContext, one transaction) and writes its audit entry in that transaction.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, AccessGuard guard, AuditLog audit, TimeProvider time)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(ct);
        var now = time.GetUtcNow();
        return users.Select(u => new UserSummary(u.Id, u.UserName ?? "", u.DisplayName,
                roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(), u.IsDisabled,
                u.LockoutEnd > now ? u.LockoutEnd : null, u.CreatedAt))
            .ToList();
    }

    public async Task<string> CreateAsync(Actor actor, NewUser request, CancellationToken ct = default)
    {
        var userName = request.UserName.Trim();
        await guard.DemandAsync(actor, Permission.ManageUsers, "user.create", $"user:{userName}", ct);
        if (userName.Length == 0)
            throw new DomainRuleException("A user name is required.", nameof(NewUser.UserName));
        RequireKnownRoles(request.Roles);

        return await InTransactionAsync(async (users, db) =>
        {
            var user = new OpsUser
            {
                UserName = userName,
                DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? userName : request.DisplayName.Trim(),
                CreatedAt = time.GetUtcNow(),
                LockoutEnabled = true,
            };
            Check(await users.CreateAsync(user, request.Password));
            if (request.Roles.Count > 0)
                Check(await users.AddToRolesAsync(user, request.Roles));
            audit.Record(db, actor, "user.created", $"user:{userName}", new { roles = request.Roles });
            return user.Id;
        }, ct);
    }

    public async Task SetRolesAsync(Actor actor, string userId, IReadOnlyList<string> roles, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageUsers, "user.roles", (db, c) => AuditSubjects.UserAsync(db, userId, c), ct);
        RequireKnownRoles(roles);

        await InTransactionAsync(async (users, db) =>
        {
            var user = await FindAsync(users, userId);
            var current = await users.GetRolesAsync(user);
            if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin))
                await RequireAnotherActiveAdminAsync(users, user);
            Check(await users.RemoveFromRolesAsync(user, current.Except(roles)));
            Check(await users.AddToRolesAsync(user, roles.Except(current)));
            // Signed-in sessions carry roles as claims: a new stamp makes them re-validate.
            Check(await users.UpdateSecurityStampAsync(user));
            audit.Record(db, actor, "user.roles_changed", $"user:{user.UserName}", new { before = current, after = roles });
            return 0;
        }, ct);
    }

    public async Task SetDisabledAsync(Actor actor, string userId, bool disabled, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageUsers, disabled ? "user.disable" : "user.enable", (db, c) => AuditSubjects.UserAsync(db, userId, c), ct);

        await InTransactionAsync(async (users, db) =>
        {
            var user = await FindAsync(users, userId);
            if (disabled && user.Id == actor.Id)
                throw new DomainRuleException("You cannot disable your own account.");
            if (disabled && await users.IsInRoleAsync(user, Roles.Admin))
                await RequireAnotherActiveAdminAsync(users, user);
            user.IsDisabled = disabled;
            Check(await users.UpdateAsync(user));
            Check(await users.UpdateSecurityStampAsync(user));
            audit.Record(db, actor, disabled ? "user.disabled" : "user.enabled", $"user:{user.UserName}");
            return 0;
        }, ct);
    }

    private async Task<T> InTransactionAsync<T>(Func<UserManager<OpsUser>, OpsDbContext, Task<T>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await work(users, db);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static async Task<OpsUser> FindAsync(UserManager<OpsUser> users, string userId) =>
        await users.FindByIdAsync(userId) ?? throw new DomainRuleException("That user no longer exists.");

    private static async Task RequireAnotherActiveAdminAsync(UserManager<OpsUser> users, OpsUser user)
    {
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        if (!admins.Any(a => a.Id != user.Id && !a.IsDisabled))
            throw new DomainRuleException("This is the last active Admin: make someone else an Admin first.");
    }

    private static void RequireKnownRoles(IEnumerable<string> roles)
    {
        var unknown = roles.Where(r => !Roles.IsKnown(r)).ToList();
        if (unknown.Count > 0)
            throw new DomainRuleException($"Unknown role {string.Join(", ", unknown)}: the roles are {string.Join(", ", Roles.All)}.", "Roles");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new DomainRuleException(string.Join(" ", result.Errors.Select(e => e.Description)),
                result.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? nameof(NewUser.Password) : null);
    }
}
