using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// The subjects a refused call is audited under: the same <c>kind:name</c> its success would carry (<c>change:7</c>,
/// not the change's Guid), so that filtering the Audit page by a subject shows the refusals too. Services receive ids;
/// these look the names up, and fall back to the id for something that does not exist.
/// </summary>
public static class AuditSubjects
{
    public static string Change(int number) => $"change:{number}";

    /// <summary>A change that is not registered yet is audited under its target.</summary>
    public static string Target(string name) => $"target:{name}";

    public static string Session(string targetName, int pid) => $"session:{targetName}/{pid}";

    public static async Task<string> ChangeAsync(OpsDbContext db, Guid changeId, CancellationToken ct) =>
        await db.Changes.Where(c => c.Id == changeId).Select(c => (int?)c.Number).FirstOrDefaultAsync(ct) is { } number
            ? Change(number)
            : $"change:{changeId}";

    public static async Task<string> TargetAsync(OpsDbContext db, Guid targetId, CancellationToken ct) =>
        Target(await TargetNameAsync(db, targetId, ct));

    public static async Task<string> SessionAsync(OpsDbContext db, Guid targetId, int pid, CancellationToken ct) =>
        Session(await TargetNameAsync(db, targetId, ct), pid);

    public static async Task<string> UserAsync(OpsDbContext db, string userId, CancellationToken ct) =>
        $"user:{await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct) ?? userId}";

    public static async Task<string> ApiKeyAsync(OpsDbContext db, Guid keyId, CancellationToken ct) =>
        $"apikey:{await db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.Name).FirstOrDefaultAsync(ct) ?? keyId.ToString()}";

    private static async Task<string> TargetNameAsync(OpsDbContext db, Guid targetId, CancellationToken ct) =>
        await db.Targets.Where(t => t.Id == targetId).Select(t => t.Name).FirstOrDefaultAsync(ct) ?? targetId.ToString();
}
