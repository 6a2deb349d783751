using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class LockSnapshotConfiguration : IEntityTypeConfiguration<LockSnapshot>
{
    public void Configure(EntityTypeBuilder<LockSnapshot> snapshot)
    {
        snapshot.ToTable("lock_snapshots");
        // Partitioned by day of At (decisions/0035): the key must hold the partition key. The identity alone keeps Id unique.
        snapshot.HasKey(s => new { s.Id, s.At });
        snapshot.Property(s => s.Id).UseIdentityAlwaysColumn();
        snapshot.HasOne<Target>().WithMany().HasForeignKey(s => s.TargetId).OnDelete(DeleteBehavior.Cascade);
        snapshot.HasIndex(s => new { s.TargetId, s.At });
        snapshot.HasIndex(s => s.At); // reads by time across targets; retention drops whole days
        // Written once, never changed: no value comparer beyond reference equality is needed.
        snapshot.Property(s => s.Graph).HasColumnType("jsonb").HasConversion(
            graph => JsonSerializer.Serialize(graph, JsonSerializerOptions.Web),
            json => JsonSerializer.Deserialize<LockGraphData>(json, JsonSerializerOptions.Web)!);
    }
}

internal sealed class LockMinuteConfiguration : IEntityTypeConfiguration<LockMinute>
{
    public void Configure(EntityTypeBuilder<LockMinute> minute)
    {
        minute.ToTable("lock_minutes");
        minute.HasKey(m => new { m.TargetId, m.Minute });
        minute.HasOne<Target>().WithMany().HasForeignKey(m => m.TargetId).OnDelete(DeleteBehavior.Cascade);
        minute.HasIndex(m => m.Minute);
        minute.Ignore(m => m.LockTimeouts); // read from checkout_events, see LockMinute
    }
}
