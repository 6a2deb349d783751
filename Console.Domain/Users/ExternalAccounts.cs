using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Users;

/// <summary>
/// Local accounts for people who sign in through an identity provider: created on first sign-in, their
/// roles kept equal to what the provider says at every sign-in, each change audited.
/// </summary>
public sealed class ExternalAccounts(IServiceScopeFactory scopes, AuditLog audit, TimeProvider time)
{
    public async Task<OpsUser> SyncAsync(string provider, string subject, string userName, string displayName,
        IReadOnlyList<string> roles, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var user = await users.FindByLoginAsync(provider, subject);
        if (user is null)
        {
            user = new OpsUser { UserName = $"{userName}@{provider}", DisplayName = displayName, CreatedAt = time.GetUtcNow(), LockoutEnabled = true };
            Check(await users.CreateAsync(user));
            Check(await users.AddLoginAsync(user, new UserLoginInfo(provider, subject, provider)));
            audit.Record(db, Actor.System, "user.created", $"user:{user.UserName}", new { provider, roles });
        }

        var current = await users.GetRolesAsync(user);
        if (!current.Order().SequenceEqual(roles.Order()))
        {
            Check(await users.RemoveFromRolesAsync(user, current.Except(roles)));
            Check(await users.AddToRolesAsync(user, roles.Except(current)));
            audit.Record(db, Actor.System, "user.roles_changed", $"user:{user.UserName}", new { provider, before = current, after = roles });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new DomainRuleException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
