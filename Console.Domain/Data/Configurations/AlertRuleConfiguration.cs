using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Alerts.Rules;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRule>
{
    public void Configure(EntityTypeBuilder<AlertRule> rule)
    {
        rule.ToTable("alert_rules");
        rule.HasKey(r => r.Id);
        rule.HasIndex(r => r.Name).IsUnique();
        rule.HasIndex(r => r.SeedKey).IsUnique();
        rule.Property(r => r.Kind).HasConversion<string>().HasMaxLength(40);
        rule.Property(r => r.Level).HasConversion<string>().HasMaxLength(20);
        rule.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        rule.Property(r => r.Name).HasMaxLength(AlertRuleRules.MaxNameLength);
        rule.Property(r => r.SeedKey).HasMaxLength(AlertRuleRules.MaxNameLength);
        rule.Property(r => r.Service).HasMaxLength(100);
        rule.Property(r => r.Target).HasMaxLength(63);
        rule.Property(r => r.AlertTarget).HasMaxLength(63);
        rule.Property(r => r.UpdatedBy).HasMaxLength(200);
        rule.Property(r => r.LastSummary).HasMaxLength(1000);
        rule.Ignore(r => r.Settings);
        rule.Ignore(r => r.State);
    }
}
