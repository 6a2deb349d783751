using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.ToTable("api_keys");
        key.HasKey(k => k.Id);
        key.HasIndex(k => k.Prefix).IsUnique();
        key.Property(k => k.Name).HasMaxLength(100);
        key.Property(k => k.Prefix).HasMaxLength(20);
        key.Property(k => k.SecretHash).HasMaxLength(64);
        key.Property(k => k.CreatedById).HasMaxLength(450);
        key.Property(k => k.Kind).HasConversion<string>().HasMaxLength(20);
        key.Property(k => k.OwnerId).HasMaxLength(450);
        key.HasIndex(k => k.OwnerId);
    }
}
