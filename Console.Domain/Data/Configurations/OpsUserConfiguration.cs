using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Users;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class OpsUserConfiguration : IEntityTypeConfiguration<OpsUser>
{
    public void Configure(EntityTypeBuilder<OpsUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(200);
    }
}
