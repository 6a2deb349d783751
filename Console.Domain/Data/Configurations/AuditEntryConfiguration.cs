using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Audit;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("audit_entries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Id).UseIdentityAlwaysColumn();
        entry.Property(e => e.ActorId).HasMaxLength(200);
        entry.Property(e => e.ActorName).HasMaxLength(200);
        entry.Property(e => e.Action).HasMaxLength(100);
        entry.Property(e => e.Subject).HasMaxLength(300);
        entry.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(20);
        entry.Property(e => e.Details).HasColumnType("jsonb");
        // Filled by the chain trigger (migration AuditHashChain): EF reads them back and never writes them.
        entry.Property(e => e.Sequence).HasDefaultValueSql("0").Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        entry.Property(e => e.PreviousHash).HasMaxLength(64).HasDefaultValueSql("''").Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        entry.Property(e => e.Hash).HasMaxLength(64).HasDefaultValueSql("''").Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        entry.HasIndex(e => e.Sequence).IsUnique();
        entry.HasIndex(e => e.At);
        entry.HasIndex(e => new { e.Action, e.At });
    }
}
