using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> incident)
    {
        incident.ToTable("incidents");
        incident.HasKey(i => i.Id);
        incident.Property(i => i.Number).UseIdentityAlwaysColumn();
        incident.HasIndex(i => i.Number).IsUnique();
        incident.HasIndex(i => new { i.Status, i.Service });
        incident.HasIndex(i => i.OnsetAt);
        // Which incident holds an alert: looked up on every alert that arrives.
        incident.HasIndex(i => i.Fingerprints).HasMethod("gin");
        incident.HasOne<Target>().WithMany().HasForeignKey(i => i.TargetId).OnDelete(DeleteBehavior.Restrict);
        incident.HasOne<ConfigChange>().WithMany().HasForeignKey(i => i.CauseChangeId).OnDelete(DeleteBehavior.Restrict);
        incident.Property(i => i.Severity).HasConversion<string>().HasMaxLength(10);
        incident.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        incident.Property(i => i.Title).HasMaxLength(Incident.MaxTitleLength);
        incident.Property(i => i.Service).HasMaxLength(IncidentService.MaxServiceLength);
        incident.Property(i => i.TargetName).HasMaxLength(200);
        incident.Property(i => i.Source).HasMaxLength(50);
        incident.Property(i => i.OpenedBy).HasMaxLength(200);
        incident.Property(i => i.CommanderId).HasMaxLength(450);
        incident.Property(i => i.CommanderName).HasMaxLength(256);

        incident.HasMany(i => i.Timeline).WithOne().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
        incident.Navigation(i => i.Timeline).HasField("timeline").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class IncidentTimelineEntryConfiguration : IEntityTypeConfiguration<IncidentTimelineEntry>
{
    public void Configure(EntityTypeBuilder<IncidentTimelineEntry> entry)
    {
        entry.ToTable("incident_timeline");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Id).UseIdentityAlwaysColumn();
        entry.HasIndex(e => new { e.IncidentId, e.At });
        entry.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        entry.Property(e => e.ActorName).HasMaxLength(256);
        entry.Ignore(e => e.IsNote);
    }
}

internal sealed class IncidentSuspectConfiguration : IEntityTypeConfiguration<IncidentSuspect>
{
    public void Configure(EntityTypeBuilder<IncidentSuspect> suspect)
    {
        suspect.ToTable("incident_suspects");
        suspect.HasKey(s => s.Id);
        suspect.Property(s => s.Id).UseIdentityAlwaysColumn();
        suspect.HasIndex(s => new { s.IncidentId, s.Rank });
        suspect.HasOne<Incident>().WithMany().HasForeignKey(s => s.IncidentId).OnDelete(DeleteBehavior.Cascade);
        suspect.HasOne<ConfigChange>().WithMany().HasForeignKey(s => s.ChangeId).OnDelete(DeleteBehavior.Cascade);
        suspect.Property(s => s.Strength).HasConversion<string>().HasMaxLength(20);
        suspect.Property(s => s.Title).HasMaxLength(200);
        suspect.Property(s => s.Parameter).HasMaxLength(200);
    }
}
