using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class CheckoutEventConfiguration : IEntityTypeConfiguration<StoredCheckoutEvent>
{
    public const int MaxEventIdLength = 200;
    public const int MaxNameLength = 100;

    public void Configure(EntityTypeBuilder<StoredCheckoutEvent> e)
    {
        e.ToTable("checkout_events");
        // The table is partitioned by day of OccurredAt (decisions/0035), and a partitioned table's unique key must hold the
        // partition key: (EventId, OccurredAt). ON CONFLICT on it stores a resent event once; a resend with another
        // occurredAt is a second row. It is also the only unique index, which keeps COPY fast.
        e.HasKey(x => new { x.EventId, x.OccurredAt });
        // Ids are opaque: byte order ("C") instead of the database's linguistic collation makes the unique index cheaper to maintain.
        e.Property(x => x.EventId).HasMaxLength(MaxEventIdLength).UseCollation("C");
        e.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(10);
        e.Property(x => x.ErrorClass).HasMaxLength(40);
        e.Property(x => x.ErrorCode).HasMaxLength(MaxNameLength);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Region).HasMaxLength(MaxNameLength);
        e.Property(x => x.Service).HasMaxLength(MaxNameLength);
        e.Property(x => x.Target).HasMaxLength(MaxNameLength);
        // Only the failed checkouts of a service are looked up by time (an incident's first failure, its currency): a partial
        // index serves them at a fraction of a full one's size, which every ingested row, every day's drop and the disk pay
        // for (decisions/0043). Health reads the per-minute rollup, never this table.
        e.HasIndex(x => new { x.Service, x.OccurredAt }).HasFilter("\"Outcome\" = 'Failed'").HasDatabaseName("IX_checkout_events_failures");
        // The Locks history counts lock timeouts per target and minute: a small partial index serves it.
        e.HasIndex(x => new { x.Target, x.OccurredAt }).HasFilter("\"ErrorClass\" = 'db_lock_timeout'").HasDatabaseName("IX_checkout_events_lock_timeouts");
    }
}
