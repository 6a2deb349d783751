using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class RehearsalConfiguration : IEntityTypeConfiguration<Rehearsal>
{
    public void Configure(EntityTypeBuilder<Rehearsal> rehearsal)
    {
        rehearsal.ToTable("rehearsals");
        rehearsal.HasKey(r => r.Id);
        rehearsal.HasOne<ConfigChange>().WithMany().HasForeignKey(r => r.ChangeId).OnDelete(DeleteBehavior.Restrict);
        rehearsal.HasOne<Target>().WithMany().HasForeignKey(r => r.TargetId).OnDelete(DeleteBehavior.Restrict);
        rehearsal.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        rehearsal.Property(r => r.Phase).HasConversion<string>().HasMaxLength(20);
        rehearsal.Property(r => r.TargetName).HasMaxLength(200);
        rehearsal.Property(r => r.ProfileName).HasMaxLength(200);
        rehearsal.Property(r => r.StartedById).HasMaxLength(200);
        rehearsal.Property(r => r.StartedBy).HasMaxLength(200);
        rehearsal.Property(r => r.CancelRequestedBy).HasMaxLength(200);
        rehearsal.Property(r => r.Profile).HasColumnType("jsonb");
        rehearsal.Property(r => r.Report).HasColumnType("jsonb");
        rehearsal.HasIndex(r => new { r.ChangeId, r.CreatedAt });
        // One rehearsal under way per staging target, across every console instance: the store refuses a second.
        rehearsal.HasIndex(r => r.TargetId).IsUnique().HasFilter("\"Status\" IN ('Queued', 'Running')").HasDatabaseName("IX_rehearsals_one_under_way_per_target");
    }
}
