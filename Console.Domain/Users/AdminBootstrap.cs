using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Users;

/// <summary>Creates the roles, and on a store with no users, the first <c>admin</c> account.</summary>
public sealed class AdminBootstrap(IServiceScopeFactory scopes, IOptions<BootstrapOptions> options, AuditLog audit,
    TimeProvider time, FirstPasswordNotice notice, ILogger<AdminBootstrap> logger)
{
    public const string AdminUserName = "admin";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<OpsUser>>();

        foreach (var role in Roles.All.Where(r => !roles.Roles.Any(x => x.Name == r)))
            await roles.CreateAsync(new IdentityRole(role));

        if (await db.Users.AnyAsync(ct))
            return;

        var configured = options.Value.AdminPassword;
        var password = string.IsNullOrEmpty(configured) ? GeneratePassword() : configured;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A generated password was seen on a terminal and maybe in its scrollback: it must be replaced. One set in
        // Bootstrap:AdminPassword is the operator's own choice (and what automation signs in with), so it may stay.
        var admin = new OpsUser
        {
            UserName = AdminUserName, DisplayName = "Administrator", CreatedAt = time.GetUtcNow(), LockoutEnabled = true,
            MustChangePassword = string.IsNullOrEmpty(configured),
        };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
            throw new InvalidOperationException(
                $"Bootstrap:AdminPassword is not accepted: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(admin, Roles.Admin);
        audit.Record(db, Actor.System, "user.created", $"user:{AdminUserName}", new { roles = new[] { Roles.Admin }, bootstrap = true });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        if (string.IsNullOrEmpty(configured))
        {
            // Shown once, on the only start that creates it, and stored nowhere in clear.
            notice.Show(AdminUserName, password);
            logger.LogWarning("Created the first account {UserName} with a generated password, shown on the terminal only; it must be changed at first sign-in",
                AdminUserName);
        }
        else
            logger.LogInformation("Created the first account {UserName} with the password from Bootstrap:AdminPassword", AdminUserName);
    }

    /// <summary>20 random characters that satisfy the password policy (upper, lower, digit, symbol).</summary>
    internal static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", symbols = "!#%+-=?@";
        var all = upper + lower + digits + symbols;
        var chars = new List<char>
        {
            upper[RandomNumberGenerator.GetInt32(upper.Length)],
            lower[RandomNumberGenerator.GetInt32(lower.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)],
            symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        while (chars.Count < 20)
            chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        return new string(chars.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).ToArray());
    }
}
