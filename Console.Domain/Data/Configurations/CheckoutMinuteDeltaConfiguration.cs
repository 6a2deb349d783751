using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class CheckoutMinuteDeltaConfiguration : IEntityTypeConfiguration<CheckoutMinuteDelta>
{
    public void Configure(EntityTypeBuilder<CheckoutMinuteDelta> d)
    {
        d.ToTable("checkout_minute_deltas");
        d.HasKey(x => x.Id);
        d.Property(x => x.Id).UseIdentityAlwaysColumn();
        d.Property(x => x.Service).HasMaxLength(CheckoutEventConfiguration.MaxNameLength);
        // Filled by the store, not by the ingest's INSERT: the hot path stays as it was.
        d.Property(x => x.RecordedAt).HasDefaultValueSql("now()");
    }
}
