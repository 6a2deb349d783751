using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OpsConsole.Domain.Incidents.Postmortems;

namespace OpsConsole.Domain.Data.Configurations;

internal sealed class PostmortemConfiguration : IEntityTypeConfiguration<Postmortem>
{
    public void Configure(EntityTypeBuilder<Postmortem> postmortem)
    {
        postmortem.ToTable("postmortems");
        postmortem.HasKey(p => p.Id);
        // Ids are made by the entities: a version or an item added to a loaded postmortem must be inserted, not updated.
        postmortem.Property(p => p.Id).ValueGeneratedNever();
        // One postmortem per incident: two people drafting at once cannot make two.
        postmortem.HasIndex(p => p.IncidentId).IsUnique();
        postmortem.HasMany(p => p.Versions).WithOne().HasForeignKey(v => v.PostmortemId).OnDelete(DeleteBehavior.Cascade);
        postmortem.Navigation(p => p.Versions).HasField("versions").UsePropertyAccessMode(PropertyAccessMode.Field);
        postmortem.HasMany(p => p.ActionItems).WithOne().HasForeignKey(a => a.PostmortemId).OnDelete(DeleteBehavior.Cascade);
        postmortem.Navigation(p => p.ActionItems).HasField("actionItems").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PostmortemVersionConfiguration : IEntityTypeConfiguration<PostmortemVersion>
{
    public void Configure(EntityTypeBuilder<PostmortemVersion> version)
    {
        version.ToTable("postmortem_versions");
        version.HasKey(v => v.Id);
        version.Property(v => v.Id).ValueGeneratedNever();
        version.HasIndex(v => new { v.PostmortemId, v.Number }).IsUnique();
        version.Property(v => v.Source).HasConversion<string>().HasMaxLength(20);
        version.Property(v => v.AuthorId).HasMaxLength(450);
        version.Property(v => v.AuthorName).HasMaxLength(256);
    }
}

internal sealed class ActionItemConfiguration : IEntityTypeConfiguration<ActionItem>
{
    public void Configure(EntityTypeBuilder<ActionItem> item)
    {
        item.ToTable("postmortem_action_items");
        item.HasKey(a => a.Id);
        item.Property(a => a.Id).ValueGeneratedNever();
        item.HasIndex(a => new { a.Status, a.Due });
        item.Property(a => a.Title).HasMaxLength(ActionItem.MaxTitleLength);
        item.Property(a => a.Owner).HasMaxLength(ActionItem.MaxOwnerLength);
        item.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        item.Property(a => a.CreatedByName).HasMaxLength(256);
        item.Property(a => a.ClosedByName).HasMaxLength(256);
    }
}
