using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// An export takes the audit trail out of the console, so it is itself audited: who exported which filter in which
/// format. Every signed-in user may export (it is a read), hence no permission check.
/// </summary>
public sealed class AuditExports(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit)
{
    public const string Action = "audit.exported";
    public const string Subject = "audit:export";

    /// <summary>Written before the file is, so that an export broken off half way is on record too.</summary>
    public async Task RecordAsync(Actor actor, AuditFilter filter, AuditExportFormat format, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        audit.Record(db, actor, Action, Subject, new
        {
            format = format.ToString().ToLowerInvariant(),
            filter = new
            {
                filter.Actor, filter.Action, filter.Subject, change = filter.ChangeNumber, outcome = filter.Outcome?.ToString(),
                from = filter.From is { } from ? AuditExportWriter.IsoUtc(from) : null,
                to = filter.To is { } to ? AuditExportWriter.IsoUtc(to) : null,
                filter.Search,
            },
        });
        await db.SaveChangesAsync(ct);
    }
}
