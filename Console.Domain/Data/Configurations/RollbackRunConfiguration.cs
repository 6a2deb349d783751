using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class RollbackRunConfiguration : IEntityTypeConfiguration<RollbackRun>
{
    public void Configure(EntityTypeBuilder<RollbackRun> run)
    {
        run.ToTable("rollback_runs");
        run.HasKey(r => r.Id);
        run.HasOne<ConfigChange>().WithMany().HasForeignKey(r => r.ChangeId).OnDelete(DeleteBehavior.Cascade);
        run.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        // At most one running rollback per change, whichever console instance started it.
        run.HasIndex(r => r.ChangeId).IsUnique().HasFilter("\"Status\" = 'Running'").HasDatabaseName("IX_rollback_runs_one_running");
        run.Property(r => r.Steps).HasColumnType("jsonb").HasConversion(
            steps => JsonSerializer.Serialize(steps, JsonSerializerOptions.Web),
            json => JsonSerializer.Deserialize<List<RollbackStepResult>>(json, JsonSerializerOptions.Web)!,
            new ValueComparer<List<RollbackStepResult>>((a, b) => a!.SequenceEqual(b!), l => l.Count, l => l.ToList()));
    }
}
