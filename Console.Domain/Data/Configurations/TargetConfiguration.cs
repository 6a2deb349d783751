using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class TargetConfiguration : IEntityTypeConfiguration<Target>
{
    public void Configure(EntityTypeBuilder<Target> target)
    {
        target.ToTable("targets");
        target.HasKey(t => t.Id);
        target.HasIndex(t => t.Name).IsUnique();
        target.Property(t => t.Name).HasMaxLength(63);
        target.Property(t => t.Environment).HasConversion<string>().HasMaxLength(20);
        target.Property(t => t.ServerVersion).HasMaxLength(50);
        target.Property(t => t.LastError).HasMaxLength(1000);
        target.Property(t => t.ScriptRole).HasMaxLength(63);
    }
}
