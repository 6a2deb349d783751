using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Access;

/// <summary>
/// Checks an actor against the permission table; a refusal is itself audited (in its own transaction,
/// since the refused mutation never opens one) before <see cref="AccessDeniedException"/> is thrown. A refusal
/// carries the subject a success would (see <see cref="AuditSubjects"/>), so one filter shows both.
/// </summary>
public sealed class AccessGuard(IDbContextFactory<OpsDbContext> dbFactory, AuditLog audit)
{
    public Task DemandAsync(Actor actor, Permission permission, string action, string subject, CancellationToken ct = default) =>
        DemandAsync(actor, permission, action, (_, _) => Task.FromResult(subject), ct);

    /// <summary>For a subject that must be looked up (a change's number from its id): only a refusal pays for it.</summary>
    public async Task DemandAsync(Actor actor, Permission permission, string action, Func<OpsDbContext, CancellationToken, Task<string>> subject,
        CancellationToken ct = default)
    {
        if (actor.Can(permission))
            return;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        audit.Record(db, actor, action, await subject(db, ct), new { permission = permission.ToString(), roles = actor.Roles }, AuditOutcome.Refused);
        await db.SaveChangesAsync(ct);
        throw new AccessDeniedException(actor, permission);
    }
}
