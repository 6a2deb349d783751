using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class ConfigChangeConfiguration : IEntityTypeConfiguration<ConfigChange>
{
    public void Configure(EntityTypeBuilder<ConfigChange> change)
    {
        change.ToTable("config_changes");
        change.HasKey(c => c.Id);
        change.Property(c => c.Number).UseIdentityAlwaysColumn();
        change.HasIndex(c => c.Number).IsUnique();
        change.HasIndex(c => new { c.TargetId, c.Parameter });
        change.HasIndex(c => c.Status);
        change.HasOne<Target>().WithMany().HasForeignKey(c => c.TargetId).OnDelete(DeleteBehavior.Restrict);
        change.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        change.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        change.Property(c => c.Risk).HasConversion<string>().HasMaxLength(10);
        change.Property(c => c.Title).HasMaxLength(200);
        change.Property(c => c.Parameter).HasMaxLength(200);
        change.Property(c => c.RegisteredThroughKey).HasMaxLength(100);

        change.HasMany(c => c.Reviews).WithOne().HasForeignKey("ChangeId").OnDelete(DeleteBehavior.Cascade);
        change.Navigation(c => c.Reviews).HasField("reviews").UsePropertyAccessMode(PropertyAccessMode.Field);
        change.HasMany(c => c.Transitions).WithOne().HasForeignKey("ChangeId").OnDelete(DeleteBehavior.Cascade);
        change.Navigation(c => c.Transitions).HasField("transitions").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ChangeReviewConfiguration : IEntityTypeConfiguration<ChangeReview>
{
    public void Configure(EntityTypeBuilder<ChangeReview> review)
    {
        review.ToTable("change_reviews");
        review.HasKey(r => r.Id);
        review.Property(r => r.Verdict).HasConversion<string>().HasMaxLength(20);
    }
}

internal sealed class ChangeTransitionConfiguration : IEntityTypeConfiguration<ChangeTransition>
{
    public void Configure(EntityTypeBuilder<ChangeTransition> transition)
    {
        transition.ToTable("change_transitions");
        transition.HasKey(t => t.Id);
        transition.Property(t => t.From).HasConversion<string>().HasMaxLength(20);
        transition.Property(t => t.To).HasConversion<string>().HasMaxLength(20);
    }
}

internal sealed class SettingSnapshotConfiguration : IEntityTypeConfiguration<SettingSnapshot>
{
    private static readonly System.Linq.Expressions.Expression<Func<Dictionary<string, string>, string>> ToJson =
        d => System.Text.Json.JsonSerializer.Serialize(d, (System.Text.Json.JsonSerializerOptions?)null);
    private static readonly System.Linq.Expressions.Expression<Func<string, Dictionary<string, string>>> FromJson =
        s => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(s, (System.Text.Json.JsonSerializerOptions?)null)!;
    // By content: EF must see a replaced dictionary with other entries as modified, and snapshot a copy, not the instance.
    private static readonly Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<Dictionary<string, string>> ByContent = new(
        (a, b) => a == b || (a != null && b != null && a.Count == b.Count && !a.Except(b).Any()),
        d => d.Aggregate(0, (hash, pair) => hash ^ HashCode.Combine(pair.Key, pair.Value)),
        d => new Dictionary<string, string>(d));

    public void Configure(EntityTypeBuilder<SettingSnapshot> snapshot)
    {
        snapshot.ToTable("setting_snapshots");
        snapshot.HasKey(s => s.TargetId);
        // Stored as JSON text in jsonb columns; the dictionaries are replaced whole, never edited in place.
        snapshot.Property(s => s.Settings).HasColumnType("jsonb").HasConversion(ToJson, FromJson, ByContent);
        snapshot.Property(s => s.Sources).HasColumnType("jsonb").HasConversion(ToJson, FromJson, ByContent);
    }
}
