using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Rehearsals;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class RehearsalProfileConfiguration : IEntityTypeConfiguration<RehearsalProfile>
{
    public void Configure(EntityTypeBuilder<RehearsalProfile> profile)
    {
        profile.ToTable("rehearsal_profiles");
        profile.HasKey(p => p.Id);
        profile.Property(p => p.Name).HasMaxLength(RehearsalProfileSettings.MaxNameLength);
        profile.Property(p => p.UpdatedBy).HasMaxLength(200);
        profile.Ignore(p => p.Settings);
        profile.Ignore(p => p.Thresholds);
    }
}
