using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Users;

namespace OpsConsole.Domain.Data;

/// <summary>The console store: the console's own database (never a monitored target).</summary>
public sealed class OpsDbContext(DbContextOptions<OpsDbContext> options) : IdentityDbContext<OpsUser>(options)
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(OpsDbContext).Assembly);
    }
}
