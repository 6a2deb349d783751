using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class StagingRevertPlanConfiguration : IEntityTypeConfiguration<StagingRevertPlan>
{
    public void Configure(EntityTypeBuilder<StagingRevertPlan> plan)
    {
        plan.ToTable("staging_revert_plans");
        plan.HasKey(p => p.Id);
        // Targets are retired, never deleted: a plan outlives nothing it points at.
        plan.HasOne<Target>().WithMany().HasForeignKey(p => p.TargetId).OnDelete(DeleteBehavior.Restrict);
        plan.Property(p => p.Snapshot).HasColumnType("jsonb");
        plan.Property(p => p.Outcome).HasMaxLength(4000);
        plan.Property(p => p.LastError).HasMaxLength(2000);
        plan.HasIndex(p => p.RehearsalId);
        // What the recovery reads at every start and beat: the plans still open, few at any time.
        plan.HasIndex(p => p.CreatedAt).HasFilter("\"RevertedAt\" IS NULL").HasDatabaseName("IX_staging_revert_plans_open");
    }
}
