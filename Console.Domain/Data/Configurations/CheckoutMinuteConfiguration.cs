using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class CheckoutMinuteConfiguration : IEntityTypeConfiguration<CheckoutMinute>
{
    public void Configure(EntityTypeBuilder<CheckoutMinute> m)
    {
        m.ToTable("checkout_minutes");
        m.HasKey(x => new { x.Service, x.Minute });
        m.Property(x => x.Service).HasMaxLength(CheckoutEventConfiguration.MaxNameLength);
        m.Ignore(x => x.FailuresByClass);
        // Time series across all services read by minute.
        m.HasIndex(x => x.Minute);
    }
}
