using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Audit;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> checkpoint)
    {
        checkpoint.ToTable("audit_checkpoints");
        checkpoint.HasKey(c => c.Id);
        checkpoint.Property(c => c.Id).UseIdentityAlwaysColumn();
        checkpoint.Property(c => c.Hash).HasMaxLength(64);
        checkpoint.Property(c => c.Signature).HasMaxLength(64);
        // One checkpoint per head position: two instances checkpointing the same head write one row (ON CONFLICT DO NOTHING).
        checkpoint.HasIndex(c => c.Sequence).IsUnique();
    }
}
