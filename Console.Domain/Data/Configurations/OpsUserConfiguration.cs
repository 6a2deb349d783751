using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Users;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class OpsUserConfiguration : IEntityTypeConfiguration<OpsUser>
{
    public void Configure(EntityTypeBuilder<OpsUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(200);
        // A word in the table, not a number: the store is read by people and by SQL as well.
        user.Property(u => u.TimeZonePreference).HasConversion<string>().HasMaxLength(16);
    }
}
