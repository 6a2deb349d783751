using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Workloads;

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
        // Replaced whole on every edit, compared by content.
        profile.Property(p => p.Scripts).HasColumnType("jsonb").HasConversion(
            scripts => JsonSerializer.Serialize(scripts.ToArray(), JsonSerializerOptions.Web),
            json => new SqlScripts(JsonSerializer.Deserialize<SqlScript[]>(json, JsonSerializerOptions.Web)),
            new ValueComparer<SqlScripts>((a, b) => Equals(a, b), s => s.GetHashCode(), s => s));
    }
}
