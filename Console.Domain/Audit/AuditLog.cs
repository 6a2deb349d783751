using System.Text.Json;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// Writes audit entries into the caller's DbContext, so that they commit (or roll back) with the
/// mutation they describe: an action whose audit write fails did not happen.
/// </summary>
public sealed class AuditLog(TimeProvider time)
{
    public AuditEntry Record(OpsDbContext db, Actor actor, string action, string subject, object? details = null,
        AuditOutcome outcome = AuditOutcome.Succeeded)
    {
        var entry = new AuditEntry(time.GetUtcNow(), actor.Id, actor.Name, action, subject, outcome,
            JsonSerializer.Serialize(details ?? new { }, JsonOptions));
        db.AuditEntries.Add(entry);
        return entry;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
