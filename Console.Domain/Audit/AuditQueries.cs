using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total);

/// <summary>Reads the audit log, newest first, for the Audit page.</summary>
public sealed class AuditQueries(IDbContextFactory<OpsDbContext> dbFactory)
{
    public async Task<AuditPage> ListAsync(string? search, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{EscapeLike(search.Trim())}%";
            query = query.Where(e => EF.Functions.ILike(e.ActorName, pattern, "\\")
                                  || EF.Functions.ILike(e.Action, pattern, "\\")
                                  || EF.Functions.ILike(e.Subject, pattern, "\\"));
        }
        var total = await query.CountAsync(ct);
        var entries = await query.OrderByDescending(e => e.Id).Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return new AuditPage(entries, total);
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
