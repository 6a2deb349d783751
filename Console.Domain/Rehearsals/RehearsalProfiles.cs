using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Rehearsals;

/// <summary>
/// The saved load profiles. Anyone may read them; saving and deleting take <see cref="Permission.RunRehearsals"/> (DBAs and
/// Admins), are checked by <see cref="RehearsalProfileSettings.Check"/> (a bad value is refused naming its field, and nothing
/// changes) and audited in the same transaction, a refusal in one of its own.
/// </summary>
public sealed class RehearsalProfiles(IDbContextFactory<OpsDbContext> dbFactory, AccessGuard guard, AuditLog audit, TimeProvider time)
{
    public static string Subject(string name) => $"rehearsal-profile:{name}";

    public async Task<IReadOnlyList<RehearsalProfile>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RehearsalProfiles.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
    }

    public async Task<RehearsalProfile> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RehearsalProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw NotFound();
    }

    /// <summary>By name, ignoring case (as a command line names it: <c>--profile "black friday peak"</c>).</summary>
    public async Task<RehearsalProfile> GetByNameAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var wanted = (name ?? "").Trim().ToLowerInvariant();
        return await db.RehearsalProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.Name.ToLower() == wanted, ct)
               ?? throw new DomainRuleException($"No rehearsal profile is named {name}.", "Profile");
    }

    /// <summary>
    /// The profile a person means by <paramref name="wanted"/>, as a command line names it: the one of that name (ignoring
    /// case), else the only one whose name holds it as whole words (<c>peak</c> finds "Black Friday peak"). Several such
    /// profiles, or none, are refused naming the field <c>Profile</c> and the profiles there are.
    /// </summary>
    public async Task<RehearsalProfile> MatchAsync(string wanted, CancellationToken ct = default)
    {
        var text = (wanted ?? "").Trim();
        var all = await ListAsync(ct);
        if (all.FirstOrDefault(p => string.Equals(p.Name, text, StringComparison.OrdinalIgnoreCase)) is { } exact)
            return exact;
        var words = new Regex($@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(text)}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        var matches = text.Length == 0 ? [] : all.Where(p => words.IsMatch(p.Name)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new DomainRuleException($"No rehearsal profile is named {text}" +
                (all.Count == 0 ? ", and there are none." : $": the profiles are {string.Join(", ", all.Select(p => p.Name))}."), "Profile"),
            _ => throw new DomainRuleException($"'{text}' fits several rehearsal profiles ({string.Join(", ", matches.Select(p => p.Name))}): " +
                "give the whole name.", "Profile"),
        };
    }

    /// <summary>Saves a new profile (<paramref name="id"/> null) or replaces one's settings; returns its id.</summary>
    public async Task<Guid> SaveAsync(Actor actor, Guid? id, RehearsalProfileSettings settings, CancellationToken ct = default)
    {
        var action = id is null ? "rehearsal_profile.created" : "rehearsal_profile.updated";
        settings = settings.Normalized();
        // A refusal carries the subject a success would: the stored name of an edited profile, the new name of a new one.
        await guard.DemandAsync(actor, Permission.RunRehearsals, action,
            (db, c) => id is { } existing ? SubjectAsync(db, existing, c) : Task.FromResult(Subject(settings.Name)), ct);
        settings.Check();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireUniqueNameAsync(db, settings.Name, id, ct);
        if (id is null)
        {
            var profile = new RehearsalProfile(settings, actor.Name, time.GetUtcNow());
            db.RehearsalProfiles.Add(profile);
            audit.Record(db, actor, action, Subject(profile.Name), new { id = profile.Id, settings = Describe(profile.Settings) });
            await CommitAsync(db, settings.Name, ct);
            return profile.Id;
        }

        var stored = await db.RehearsalProfiles.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw NotFound();
        var before = stored.Name;
        var changed = stored.Edit(settings, actor.Name, time.GetUtcNow());
        if (changed.Count == 0)
            throw new DomainRuleException($"Nothing to save: {stored.Name} already has these settings.");
        audit.Record(db, actor, action, Subject(before), new { id, changed, settings = Describe(stored.Settings) });
        await CommitAsync(db, settings.Name, ct);
        return stored.Id;
    }

    public async Task DeleteAsync(Actor actor, Guid id, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.RunRehearsals, "rehearsal_profile.deleted", (db, c) => SubjectAsync(db, id, c), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var profile = await db.RehearsalProfiles.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw NotFound();
        db.RehearsalProfiles.Remove(profile);
        audit.Record(db, actor, "rehearsal_profile.deleted", Subject(profile.Name), new { id, settings = Describe(profile.Settings) });
        await db.SaveChangesAsync(ct);
    }

    private static async Task RequireUniqueNameAsync(OpsDbContext db, string name, Guid? self, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        if (await db.RehearsalProfiles.AnyAsync(p => p.Name.ToLower() == lower && p.Id != self, ct))
            throw DuplicateName(name);
    }

    /// <summary>Two people saving the same name at once both pass the check; the store's unique index refuses the second.</summary>
    private static async Task CommitAsync(OpsDbContext db, string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw DuplicateName(name);
        }
    }

    private static DomainRuleException DuplicateName(string name) =>
        new($"A rehearsal profile named {name} exists already.", nameof(RehearsalProfileSettings.Name));

    private static async Task<string> SubjectAsync(OpsDbContext db, Guid id, CancellationToken ct) =>
        Subject(await db.RehearsalProfiles.Where(p => p.Id == id).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? id.ToString());

    private static DomainRuleException NotFound() => new("That rehearsal profile does not exist.", "ProfileId");

    // Durations as "00:02:00", as the form shows them.
    private static object Describe(RehearsalProfileSettings s) => new
    {
        s.Name, s.RatePerSecond, s.PeakMultiplier, s.ConcurrentShoppers, Duration = s.Duration.ToString(), s.CartSizeMin, s.CartSizeMax,
        s.HotProducts, s.HotShare, s.Rounds, s.Thresholds.FailureRatePoints, s.Thresholds.DeadlockFactor, s.Thresholds.DeadlockAllowance, s.Thresholds.P95Factor,
        s.Scripts, s.MaxTries,
    };
}
