using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Instances;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class RunningInstanceConfiguration : IEntityTypeConfiguration<RunningInstance>
{
    public void Configure(EntityTypeBuilder<RunningInstance> instance)
    {
        instance.ToTable("console_instances");
        instance.HasKey(i => i.Id);
        instance.Property(i => i.Host).HasMaxLength(300);
    }
}
