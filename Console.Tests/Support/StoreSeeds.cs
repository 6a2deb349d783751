using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Support;

/// <summary>A context factory over a test store, for domain services built by hand (no console around them).</summary>
public sealed class StoreContextFactory(string connectionString) : IDbContextFactory<OpsDbContext>
{
    public OpsDbContext CreateDbContext() => PostgresClusterFixture.ContextFor(connectionString);
}

/// <summary>
/// Rows written straight into a real store at chosen times, for queries over history (suspects, monthly figures): the
/// entities' own methods make them, so they are what the console itself would have written.
/// </summary>
public sealed class StoreSeeds(string store)
{
    public static readonly Actor Author = new("u-ann", "ann", [Roles.Dba]);
    public static readonly Actor Reviewer = new("u-bob", "bob", [Roles.Dba]);
    public static readonly Actor OnCall = new("u-olga", "olga", [Roles.OnCall]);

    public StoreContextFactory Factory { get; } = new(store);

    public async Task<Guid> TargetAsync(string name, DateTimeOffset now)
    {
        await using var db = Factory.CreateDbContext();
        var target = new Target(name, TargetEnvironment.Production, "not-a-real-connection", now);
        db.Targets.Add(target);
        await db.SaveChangesAsync();
        return target.Id;
    }

    /// <summary>A setting change registered, approved by bob and applied at <paramref name="appliedAt"/> (its rollback done or failed later, if asked).</summary>
    public async Task<ConfigChange> AppliedSettingAsync(Guid targetId, string parameter, DateTimeOffset appliedAt, DateTimeOffset? rolledBackAt = null,
        DateTimeOffset? rollbackFailedAt = null)
    {
        var info = new SettingInfo(parameter, "1000", "ms", "integer", "0", "2147483647", [], "superuser", "default", "", false);
        var change = ConfigChange.ForSetting(targetId, new ChangeDetails($"Tune {parameter}", "Peak load", null, ChangeRisk.Medium, null),
            new ValidatedSetting(info, "3s", "3000"), Author, appliedAt.AddHours(-1));
        change.Submit(Author, appliedAt.AddMinutes(-30));
        change.Approve(Reviewer, "ok", appliedAt.AddMinutes(-20));
        change.MarkApplied(Reviewer, appliedAt, pendingRestart: false);
        if (rolledBackAt is { } at)
            change.MarkRolledBack(Reviewer, at, "rolled back");
        if (rollbackFailedAt is { } failedAt)
            change.RecordRollbackFailure(Reviewer, failedAt, "the target refused");
        return await SaveAsync(change);
    }

    /// <summary>A setting changed on the target with no registered change: drift, detected at <paramref name="at"/>.</summary>
    public async Task<ConfigChange> DetectedAsync(Guid targetId, string parameter, DateTimeOffset at)
    {
        var before = new SettingInfo(parameter, "1000", "ms", "integer", "0", "2147483647", [], "superuser", "default", "", false);
        return await SaveAsync(ConfigChange.Detected(targetId, before, before with { Setting = "5000", Source = "configuration file" }, at));
    }

    /// <summary>A change that was registered and never applied.</summary>
    public async Task<ConfigChange> DraftAsync(Guid targetId, string parameter, DateTimeOffset at)
    {
        var info = new SettingInfo(parameter, "1000", "ms", "integer", "0", "2147483647", [], "superuser", "default", "", false);
        return await SaveAsync(ConfigChange.ForSetting(targetId, new ChangeDetails($"Draft {parameter}", "Later", null, ChangeRisk.Low, null),
            new ValidatedSetting(info, "2s", "2000"), Author, at));
    }

    /// <summary>
    /// An incident olga opened by hand at <paramref name="openedAt"/> for one that began at <paramref name="onset"/>; health
    /// came back at <paramref name="recoveredAt"/>, and she named <paramref name="cause"/> as its cause, if given.
    /// </summary>
    public async Task<Incident> IncidentAsync(DateTimeOffset onset, DateTimeOffset openedAt, DateTimeOffset? recoveredAt = null, ConfigChange? cause = null)
    {
        var incident = Incident.OpenByHand("Checkout failing", IncidentSeverity.Sev2, "checkout", null, null, onset, null, OnCall, openedAt);
        if (cause is not null)
            incident.MarkCause(cause.Id, cause.Number, OnCall, openedAt.AddMinutes(1));
        if (recoveredAt is { } at)
            incident.RecordHealthRecovered("Checkout is healthy again", at);
        await using var db = Factory.CreateDbContext();
        db.Incidents.Add(incident);
        await db.SaveChangesAsync();
        return incident;
    }

    /// <summary>One service's minute: <paramref name="successes"/> of <paramref name="amount"/> each, and failures by class.</summary>
    public async Task CheckoutMinuteAsync(string service, DateTimeOffset minute, int successes, decimal amount = 0,
        params (string ErrorClass, int Count)[] failures)
    {
        var tally = new CheckoutTally();
        for (var i = 0; i < successes; i++)
            tally.Add(new CheckoutEvent($"s{i}", minute, CheckoutOutcome.Succeeded, null, null, 40, amount));
        foreach (var (errorClass, count) in failures)
            for (var i = 0; i < count; i++)
                tally.Add(new CheckoutEvent($"f{errorClass}{i}", minute, CheckoutOutcome.Failed, errorClass, null, 900));
        var bucket = new CheckoutMinute(service, CheckoutMinute.MinuteOf(minute));
        bucket.Set(tally, minute);
        await using var db = Factory.CreateDbContext();
        db.CheckoutMinutes.Add(bucket);
        await db.SaveChangesAsync();
    }

    /// <summary>A lock sampler's minute on the target (the entity has no public constructor: the sampler upserts it in SQL).</summary>
    public async Task LockMinuteAsync(Guid targetId, DateTimeOffset minute, long deadlocks, double longestWaitMs)
    {
        await using var db = Factory.CreateDbContext();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO lock_minutes ("TargetId", "Minute", "MaxWaiting", "LongestWaitMs", "Deadlocks", "Rollbacks", "Samples")
            VALUES ({targetId}, {CheckoutMinute.MinuteOf(minute)}, 3, {longestWaitMs}, {deadlocks}, {deadlocks}, 60)
            """);
    }

    private async Task<ConfigChange> SaveAsync(ConfigChange change)
    {
        await using var db = Factory.CreateDbContext();
        db.Changes.Add(change);
        await db.SaveChangesAsync();
        return change;
    }
}
