using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Access;

/// <summary>
/// Checks an actor against the permission table; a refusal is itself audited (in its own transaction,
/// since the refused mutation never opens one) before <see cref="AccessDeniedException"/> is thrown.
/// </summary>
public sealed class AccessGuard(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit)
{
    public async Task DemandAsync(Actor actor, Permission permission, string action, string subject, CancellationToken ct = default)
    {
        if (actor.Can(permission))
            return;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        audit.Record(db, actor, action, subject, new { permission = permission.ToString(), roles = actor.Roles }, AuditOutcome.Refused);
        await db.SaveChangesAsync(ct);
        throw new AccessDeniedException(actor, permission);
    }
}
