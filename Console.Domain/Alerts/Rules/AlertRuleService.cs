using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// The alert rules as admins see and edit them (ManageAlertRules, Admin only). Every edit is checked by
/// <see cref="AlertRuleRules"/> (a bad value is refused naming its field, and nothing changes), audited in its own
/// transaction with the old and new values, and announced (<see cref="AlertRuleUpdated"/>) after it commits.
/// </summary>
public sealed class AlertRuleService(IDbContextFactory<OpsDbContext> dbFactory, AccessGuard guard, AuditLog audit, LiveEvents live, TimeProvider time,
    ILogger<AlertRuleService> logger)
{
    public static string Subject(string name) => $"alert-rule:{name}";

    public async Task<IReadOnlyList<AlertRule>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AlertRules.AsNoTracking().OrderBy(r => r.Kind).ThenBy(r => r.Name).ToListAsync(ct);
    }

    public async Task<AlertRule> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct)
               ?? throw new DomainRuleException("That alert rule does not exist.", "RuleId");
    }

    public async Task<Guid> CreateAsync(Actor actor, AlertRuleKind kind, AlertRuleSettings settings, CancellationToken ct = default)
    {
        settings = settings.Normalized();
        await guard.DemandAsync(actor, Permission.ManageAlertRules, "alert_rule.created", Subject(settings.Name), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireUniqueNameAsync(db, settings.Name, null, ct);
        var rule = new AlertRule(kind, settings, actor.Name, time.GetUtcNow());
        db.AlertRules.Add(rule);
        audit.Record(db, actor, "alert_rule.created", Subject(rule.Name), new { id = rule.Id, kind = kind.ToString(), settings = Describe(rule.Settings) });
        await db.SaveChangesAsync(ct);
        live.Publish(new AlertRuleUpdated(rule.Id));
        return rule.Id;
    }

    /// <summary>Replaces a rule's settings; an edit that changes nothing is refused rather than audited as one.</summary>
    public async Task UpdateAsync(Actor actor, Guid id, AlertRuleSettings settings, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.ManageAlertRules, "alert_rule.updated", (db, c) => SubjectAsync(db, id, c), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rule = await FindAsync(db, id, ct);
        settings = settings.Normalized();
        await RequireUniqueNameAsync(db, settings.Name, id, ct);
        var before = rule.Name;
        var changed = rule.Edit(settings, actor.Name, time.GetUtcNow());
        if (changed.Count == 0)
            throw new DomainRuleException($"Nothing to save: {rule.Name} already has these settings.");
        audit.Record(db, actor, "alert_rule.updated", Subject(before), new { id, kind = rule.Kind.ToString(), changed = Describe(changed) });
        await db.SaveChangesAsync(ct);
        live.Publish(new AlertRuleUpdated(id));
    }

    /// <summary>Turns a rule on or off; a rule turned off while firing is resolved at its next evaluation.</summary>
    public async Task SetEnabledAsync(Actor actor, Guid id, bool enabled, CancellationToken ct = default)
    {
        var action = enabled ? "alert_rule.enabled" : "alert_rule.disabled";
        await guard.DemandAsync(actor, Permission.ManageAlertRules, action, (db, c) => SubjectAsync(db, id, c), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rule = await FindAsync(db, id, ct);
        if (rule.Enabled == enabled)
            throw new DomainRuleException(enabled ? $"{rule.Name} is enabled already." : $"{rule.Name} is disabled already.", "Enabled");
        rule.Edit(rule.Settings with { Enabled = enabled }, actor.Name, time.GetUtcNow());
        audit.Record(db, actor, action, Subject(rule.Name), new { id });
        await db.SaveChangesAsync(ct);
        live.Publish(new AlertRuleUpdated(id));
    }

    /// <summary>
    /// Seeds the configured defaults that were never seeded (by name at the time), as the console itself: once seeded, a rule
    /// is the store's and configuration no longer changes it. Runs on one instance, under the evaluator's store lock.
    /// </summary>
    public async Task<int> SeedAsync(IReadOnlyList<(AlertRuleKind Kind, AlertRuleSettings Settings)> defaults, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var seeded = (await db.AlertRules.Where(r => r.SeedKey != null).Select(r => r.SeedKey!).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var names = (await db.AlertRules.Select(r => r.Name).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var added = 0;
        foreach (var (kind, settings) in defaults)
        {
            var s = settings.Normalized();
            if (seeded.Contains(s.Name) || names.Contains(s.Name))
                continue;
            var rule = new AlertRule(kind, s, Actor.System.Name, time.GetUtcNow(), seedKey: s.Name);
            db.AlertRules.Add(rule);
            audit.Record(db, Actor.System, "alert_rule.seeded", Subject(rule.Name),
                new { id = rule.Id, kind = kind.ToString(), settings = Describe(rule.Settings), from = "Alerts:Rules" });
            added++;
        }
        if (added == 0)
            return 0;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Seeded {Count} alert rules from configuration", added);
        return added;
    }

    private static async Task<AlertRule> FindAsync(OpsDbContext db, Guid id, CancellationToken ct) =>
        await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new DomainRuleException("That alert rule does not exist.", "RuleId");

    private static async Task RequireUniqueNameAsync(OpsDbContext db, string name, Guid? self, CancellationToken ct)
    {
        if (await db.AlertRules.AnyAsync(r => r.Name == name && r.Id != self, ct))
            throw new DomainRuleException($"An alert rule named {name} exists already.", nameof(AlertRuleSettings.Name));
    }

    private static async Task<string> SubjectAsync(OpsDbContext db, Guid id, CancellationToken ct) =>
        Subject(await db.AlertRules.Where(r => r.Id == id).Select(r => r.Name).FirstOrDefaultAsync(ct) ?? id.ToString());

    private static Dictionary<string, object?> Describe(AlertRuleSettings s) => typeof(AlertRuleSettings).GetProperties()
        .Where(p => p.Name != nameof(AlertRuleSettings.Thresholds)).ToDictionary(p => p.Name, p => Plain(p.GetValue(s)));

    private static Dictionary<string, object?> Describe(IReadOnlyDictionary<string, object?[]> changed) =>
        changed.ToDictionary(c => c.Key, c => (object?)new { from = Plain(c.Value[0]), to = Plain(c.Value[1]) });

    // Durations as "00:02:00" and enums by name: the audit reads as the form did.
    private static object? Plain(object? value) => value switch
    {
        TimeSpan span => span.ToString(),
        Enum e => e.ToString(),
        _ => value,
    };
}
