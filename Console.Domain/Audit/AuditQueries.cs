using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total);

public enum AuditExportFormat
{
    Csv,
    Json,
}

/// <summary>How many entries an export wrote, and whether it stopped at <see cref="AuditQueries.MaxExportRows"/>.</summary>
public sealed record AuditExportResult(int Written, int Matching)
{
    public bool Truncated => Matching > Written;
}

/// <summary>Reads the audit log: pages newest first for the Audit page, exports in chain order.</summary>
public sealed class AuditQueries(IDbContextFactory<OpsDbContext> dbFactory)
{
    /// <summary>
    /// An export holds at most this many entries (the oldest matching ones, in chain order), so that one request cannot
    /// hold a connection and the response open indefinitely; narrow the filter to export more.
    /// </summary>
    public const int MaxExportRows = 100_000;

    public Task<AuditPage> ListAsync(string? search, int page, int pageSize, CancellationToken ct = default) =>
        ListAsync(new AuditFilter(Search: search), page, pageSize, ct);

    public async Task<AuditPage> ListAsync(AuditFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Matching(db, filter);
        var total = await query.CountAsync(ct);
        var entries = await query.OrderByDescending(e => e.Sequence).Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return new AuditPage(entries, total);
    }

    public async Task<int> CountAsync(AuditFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Matching(db, filter).CountAsync(ct);
    }

    /// <summary>Streams the matching entries, oldest first, to <paramref name="output"/> without holding them all in memory.</summary>
    public async Task<AuditExportResult> ExportAsync(AuditFilter filter, AuditExportFormat format, Stream output, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Matching(db, filter);
        var matching = await query.CountAsync(ct);
        var entries = query.OrderBy(e => e.Sequence).Take(MaxExportRows).AsAsyncEnumerable();
        var written = format == AuditExportFormat.Csv
            ? await AuditExportWriter.WriteCsvAsync(entries, output, ct)
            : await AuditExportWriter.WriteJsonAsync(entries, output, ct);
        return new AuditExportResult(written, matching);
    }

    private static IQueryable<AuditEntry> Matching(OpsDbContext db, AuditFilter filter)
    {
        var subject = Pattern(filter.Subject);
        var search = Pattern(filter.Search);
        // Details is jsonb, which EF cannot ILIKE; the text criteria that reach into it are plain SQL, the rest LINQ.
        var query = db.AuditEntries.FromSql($"""
            SELECT * FROM audit_entries
            WHERE ({subject}::text IS NULL OR "Subject" ILIKE {subject} ESCAPE '\' OR "Details"::text ILIKE {subject} ESCAPE '\')
              AND ({search}::text IS NULL OR "ActorName" ILIKE {search} ESCAPE '\' OR "Action" ILIKE {search} ESCAPE '\'
                   OR "Subject" ILIKE {search} ESCAPE '\' OR "Details"::text ILIKE {search} ESCAPE '\')
            """).AsNoTracking();
        if (Pattern(filter.Actor) is { } actor)
            query = query.Where(e => EF.Functions.ILike(e.ActorName, actor, "\\") || EF.Functions.ILike(e.ActorId, actor, "\\"));
        if (Pattern(filter.Action) is { } action)
            query = query.Where(e => EF.Functions.ILike(e.Action, action, "\\"));
        if (filter.ChangeSubject is { } change)
            query = query.Where(e => e.Subject == change);
        if (filter.Outcome is { } outcome)
            query = query.Where(e => e.Outcome == outcome);
        if (filter.From is { } from)
            query = query.Where(e => e.At >= from.ToUniversalTime());
        if (filter.To is { } to)
            query = query.Where(e => e.At <= to.ToUniversalTime());
        return query;
    }

    private static string? Pattern(string? text) => string.IsNullOrWhiteSpace(text) ? null : LikePattern.Contains(text);
}
