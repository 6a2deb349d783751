using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Changes;

/// <summary>A moment a change took effect or stopped: applied, rolled back, or found by drift detection.</summary>
public sealed record ChangeMark(int Number, string Title, string TargetName, ChangeStatus Status, DateTimeOffset At);

/// <summary>
/// The change moments of a time window, for charts that put them on their time axis: when a checkout graph turns,
/// the change that made it turn is drawn right there (the outage this console comes from was found 58 minutes late).
/// </summary>
public sealed class ChangeMarks(IDbContextFactory<OpsDbContext> dbFactory)
{
    public const int MaxMarks = 500;

    private static readonly ChangeStatus[] Marked = [ChangeStatus.Applied, ChangeStatus.RolledBack, ChangeStatus.Detected];

    /// <summary>Marks from <paramref name="start"/> to <paramref name="end"/> (exclusive), oldest first, on one target or all.</summary>
    public async Task<IReadOnlyList<ChangeMark>> InWindowAsync(DateTimeOffset start, DateTimeOffset end, Guid? targetId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = from c in db.Changes.AsNoTracking()
                    from t in c.Transitions
                    join target in db.Targets on c.TargetId equals target.Id
                    where Marked.Contains(t.To) && t.At >= start && t.At < end
                    select new { c.Number, c.Title, c.TargetId, TargetName = target.Name, t.To, t.At };
        if (targetId is { } id)
            query = query.Where(x => x.TargetId == id);
        var rows = await query.OrderByDescending(x => x.At).Take(MaxMarks).ToListAsync(ct);
        return rows.OrderBy(x => x.At).Select(x => new ChangeMark(x.Number, x.Title, x.TargetName, x.To, x.At)).ToList();
    }
}
