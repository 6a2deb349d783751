using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Users;

/// <summary>A signed-in person's own display preferences: today, the clock they read times in.</summary>
public sealed class AccountPreferences(IServiceScopeFactory scopes, AuditLog audit)
{
    public const string TimeZoneAction = "account.time_zone_preference_changed";

    /// <summary>The person's choice; <see cref="TimeZonePreference.Browser"/> for an id with no account (the default).</summary>
    public async Task<TimeZonePreference> TimeZoneOfAsync(string userId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        return await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.TimeZonePreference).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Sets the person's own clock, audited with what it was before. A person's account only: a key acts for scripts,
    /// which read the API in UTC and have no pages to show times on.
    /// </summary>
    public async Task SetTimeZoneAsync(Actor actor, TimeZonePreference preference, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OpsDbContext>();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == actor.Id, ct)
                   ?? throw new DomainRuleException("Your account no longer exists.");
        var subject = $"user:{user.UserName}";
        if (actor.Key is not null || !Enum.IsDefined(preference))
        {
            audit.Record(db, actor, TimeZoneAction, subject, new { to = preference.ToString() }, AuditOutcome.Refused);
            await db.SaveChangesAsync(ct);
            throw new DomainRuleException(actor.Key is not null
                ? "A time zone preference is set by the person, on the Preferences page, not by an API key."
                : "Choose the browser's time zone or UTC.", nameof(TimeZonePreference));
        }
        if (user.TimeZonePreference == preference)
            return;
        audit.Record(db, actor, TimeZoneAction, subject, new { from = user.TimeZonePreference.ToString(), to = preference.ToString() });
        user.TimeZonePreference = preference;
        await db.SaveChangesAsync(ct);
    }
}
