using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Instances;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Users;

namespace OpsConsole.Domain.Data;

/// <summary>The console store: the console's own database (never a monitored target).</summary>
public sealed class OpsDbContext(DbContextOptions<OpsDbContext> options) : IdentityDbContext<OpsUser>(options), IDataProtectionKeyContext
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<Target> Targets => Set<Target>();
    public DbSet<ConfigChange> Changes => Set<ConfigChange>();
    public DbSet<SettingSnapshot> SettingSnapshots => Set<SettingSnapshot>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<RollbackRun> RollbackRuns => Set<RollbackRun>();
    public DbSet<LockSnapshot> LockSnapshots => Set<LockSnapshot>();
    public DbSet<LockMinute> LockMinutes => Set<LockMinute>();
    public DbSet<StoredCheckoutEvent> CheckoutEvents => Set<StoredCheckoutEvent>();
    public DbSet<CheckoutMinute> CheckoutMinutes => Set<CheckoutMinute>();
    public DbSet<CheckoutMinuteDelta> CheckoutMinuteDeltas => Set<CheckoutMinuteDelta>();
    public DbSet<RunningInstance> Instances => Set<RunningInstance>();
    public DbSet<Postmortem> Postmortems => Set<Postmortem>();
    public DbSet<PostmortemVersion> PostmortemVersions => Set<PostmortemVersion>();
    public DbSet<ActionItem> ActionItems => Set<ActionItem>();
    public DbSet<AlertRule> AlertRules => Set<AlertRule>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<IncidentTimelineEntry> IncidentTimeline => Set<IncidentTimelineEntry>();
    public DbSet<IncidentSuspect> IncidentSuspects => Set<IncidentSuspect>();
    public DbSet<StagingRevertPlan> StagingRevertPlans => Set<StagingRevertPlan>();
    public DbSet<RehearsalProfile> RehearsalProfiles => Set<RehearsalProfile>();
    public DbSet<Rehearsal> Rehearsals => Set<Rehearsal>();

    /// <summary>Data Protection keys live in the store, so every console instance can decrypt target secrets.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(OpsDbContext).Assembly);
    }
}
