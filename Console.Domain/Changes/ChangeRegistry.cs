using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Changes;

/// <summary>
/// Registers and reviews changes. Each call checks the actor against the permission table, runs in one
/// transaction with its audit entry, and announces the new state on the live bus after it commits.
/// </summary>
public sealed class ChangeRegistry(IDbContextFactory<OpsDbContext> dbFactory, TargetRegistry targets, SettingCatalog catalog,
    AccessGuard guard, AuditLog audit, LiveEvents live, TimeProvider time, WebhookDestinations webhooks, IOptions<ReviewPolicyOptions> policy)
{
    public const int MaxScriptLength = 100_000;
    public const int MaxTextLength = 4_000;

    public async Task<ConfigChange> RegisterSettingAsync(Actor actor, SettingChangeRequest request, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.RegisterChange, "change.register", (db, c) => AuditSubjects.TargetAsync(db, request.TargetId, c), ct);
        RequireDetails(request.Details);
        var target = await targets.GetAsync(request.TargetId, ct);
        target.DemandActive();
        // Validated against the target's own pg_settings, read now: nothing is saved or executed otherwise.
        var setting = SettingValidator.Validate(await catalog.ReadAsync(target, ct), request.Parameter, request.Value);
        if (DangerousSettings.Problem(target, setting.Info.Name) is { } danger)
            throw new DomainRuleException(danger, "Parameter");
        var change = ConfigChange.ForSetting(target.Id, request.Details, setting, actor, time.GetUtcNow());
        // A setting that needs a restart cannot be rehearsed (a rehearsal never restarts staging), so the policy cannot ask for it.
        if (change.Risk == ChangeRisk.High && !change.RequiresRestart && policy.Value.RequirePassingRehearsalForHighRisk)
            change.RequireRehearsal();
        return await AddAsync(actor, change, request.SubmitForReview, new { parameter = setting.Info.Name, before = setting.Info.Setting, after = setting.Value }, ct);
    }

    public async Task<ConfigChange> RegisterSqlAsync(Actor actor, SqlChangeRequest request, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.RegisterChange, "change.register", (db, c) => AuditSubjects.TargetAsync(db, request.TargetId, c), ct);
        RequireDetails(request.Details);
        RequireText(request.ForwardScript, "ForwardScript", "a forward script", MaxScriptLength);
        RequireText(request.RollbackScript, "RollbackScript", "a rollback script", MaxScriptLength);
        ScriptGuard.Demand(request.ForwardScript, "ForwardScript");
        ScriptGuard.Demand(request.RollbackScript, "RollbackScript");
        var target = await targets.GetAsync(request.TargetId, ct);
        target.DemandActive();
        var change = ConfigChange.ForSql(target.Id, request.Details, request.ForwardScript.Trim(), request.RollbackScript.Trim(), actor, time.GetUtcNow());
        return await AddAsync(actor, change, request.SubmitForReview, new { kind = "sql" }, ct);
    }

    public async Task<ConfigChange> RegisterExternalAsync(Actor actor, ExternalChangeRequest request, CancellationToken ct = default)
    {
        await guard.DemandAsync(actor, Permission.RegisterChange, "change.register", (db, c) => AuditSubjects.TargetAsync(db, request.TargetId, c), ct);
        RequireDetails(request.Details);
        RequireText(request.Description, "Description", "a description", MaxTextLength);
        RequireText(request.RollbackSteps, "RollbackSteps", "the manual rollback steps", MaxTextLength);
        TextRules.Require(request.RollbackWebhookUrl, "RollbackWebhookUrl", multiLine: false);
        if (!string.IsNullOrWhiteSpace(request.RollbackWebhookUrl) && webhooks.Problem(request.RollbackWebhookUrl) is { } webhookProblem)
            throw new DomainRuleException(webhookProblem, "RollbackWebhookUrl");
        var target = await targets.GetAsync(request.TargetId, ct);
        target.DemandActive();
        var change = ConfigChange.ForExternal(target.Id, request.Details, request.Description.Trim(), request.RollbackSteps.Trim(),
            request.RollbackWebhookUrl, actor, time.GetUtcNow());
        return await AddAsync(actor, change, request.SubmitForReview, new { kind = "external" }, ct);
    }

    public Task SubmitAsync(Actor actor, Guid changeId, CancellationToken ct = default) =>
        MutateAsync(actor, changeId, Permission.RegisterChange, "change.submitted", (c, now) => c.Submit(actor, now), null, ct);

    public Task ApproveAsync(Actor actor, Guid changeId, string comment, CancellationToken ct = default) =>
        MutateAsync(actor, changeId, Permission.ReviewChange, "change.approved", (c, now) => c.Approve(actor, comment ?? "", now), new { comment }, ct);

    public Task RejectAsync(Actor actor, Guid changeId, string comment, CancellationToken ct = default) =>
        MutateAsync(actor, changeId, Permission.ReviewChange, "change.rejected", (c, now) => c.Reject(actor, comment ?? "", now), new { comment }, ct);

    public Task CommentAsync(Actor actor, Guid changeId, string comment, CancellationToken ct = default) =>
        MutateAsync(actor, changeId, Permission.ReviewChange, "change.commented", (c, now) => c.AddComment(actor, comment ?? "", now), new { comment }, ct);

    public Task MarkAppliedOutsideAsync(Actor actor, Guid changeId, DateTimeOffset appliedAt, CancellationToken ct = default) =>
        MutateAsync(actor, changeId, Permission.ApplyChange, "change.marked_applied",
            (c, now) => c.MarkAppliedOutsideConsole(actor, appliedAt, now), new { appliedAt }, ct);

    public async Task<ConfigChange?> GetAsync(Guid changeId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Changes.AsNoTracking().Include(c => c.Reviews).Include(c => c.Transitions).FirstOrDefaultAsync(c => c.Id == changeId, ct);
    }

    /// <summary>A change by its short human number (#42), as pages link to it.</summary>
    public async Task<ConfigChange?> GetByNumberAsync(int number, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Changes.AsNoTracking().Include(c => c.Reviews).Include(c => c.Transitions).FirstOrDefaultAsync(c => c.Number == number, ct);
    }

    public async Task<ChangePage> ListAsync(ChangeFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = from c in db.Changes.AsNoTracking()
                    join t in db.Targets on c.TargetId equals t.Id
                    select new { c, t.Name };
        if (filter.TargetId is { } targetId) query = query.Where(x => x.c.TargetId == targetId);
        if (filter.Status is { } status) query = query.Where(x => x.c.Status == status);
        if (filter.Kind is { } kind) query = query.Where(x => x.c.Kind == kind);
        if (filter.Risk is { } risk) query = query.Where(x => x.c.Risk == risk);
        if (filter.From is { } from) query = query.Where(x => x.c.CreatedAt >= from);
        if (filter.To is { } to) query = query.Where(x => x.c.CreatedAt <= to);
        if (!string.IsNullOrWhiteSpace(filter.Author))
            query = query.Where(x => x.c.AuthorName == filter.Author);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var pattern = LikePattern.Contains(filter.Search);
            query = query.Where(x => EF.Functions.ILike(x.c.Title, pattern, "\\") || EF.Functions.ILike(x.c.Reason, pattern, "\\")
                                  || EF.Functions.ILike(x.c.Parameter ?? "", pattern, "\\") || EF.Functions.ILike(x.Name, pattern, "\\"));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(x => x.c.Number).Skip(filter.Skip).Take(Math.Clamp(filter.Take, 1, 500))
            .Select(x => new ChangeListItem(x.c.Id, x.c.Number, x.c.Title, x.c.Kind, x.c.Status, x.c.Risk, x.Name, x.c.AuthorName, x.c.Parameter,
                x.c.ValueBefore, x.c.ValueAfter, x.c.Unit, x.c.RequiresRestart, x.c.CreatedAt, x.c.AppliedAt, x.c.DetectedAt, x.c.RegisteredThroughKey))
            .ToListAsync(ct);
        return new ChangePage(items, total);
    }

    private async Task<ConfigChange> AddAsync(Actor actor, ConfigChange change, bool submit, object details, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Changes.Add(change);
        await db.SaveChangesAsync(ct);
        if (submit)
            change.Submit(actor, time.GetUtcNow());
        audit.Record(db, actor, "change.registered", $"change:{change.Number}", details);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
        return change;
    }

    private async Task MutateAsync(Actor actor, Guid changeId, Permission permission, string action, Action<ConfigChange, DateTimeOffset> mutate,
        object? details, CancellationToken ct)
    {
        await guard.DemandAsync(actor, permission, action, (db, c) => AuditSubjects.ChangeAsync(db, changeId, c), ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var change = await LockAsync(db, changeId, ct);
        try
        {
            mutate(change, time.GetUtcNow());
        }
        catch (DomainRuleException refused)
        {
            // The entity's rules (only the author submits, never the author approves) refuse here: the refusal is audited
            // on its own, as the mutation's transaction is rolled back.
            await tx.RollbackAsync(ct);
            await using var refusal = await dbFactory.CreateDbContextAsync(ct);
            audit.Record(refusal, actor, action, $"change:{change.Number}", new { refused = refused.Message }, AuditOutcome.Refused);
            await refusal.SaveChangesAsync(ct);
            throw;
        }
        audit.Record(db, actor, action, $"change:{change.Number}", details);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        live.Publish(new ChangeUpdated(change.Id, change.Number, change.TargetId, change.Status.ToString()));
    }

    /// <summary>Loads a change for update, row-locked, so two reviewers or two applies never interleave.</summary>
    internal static async Task<ConfigChange> LockAsync(OpsDbContext db, Guid changeId, CancellationToken ct)
    {
        var change = await db.Changes.FromSql($"SELECT * FROM config_changes WHERE \"Id\" = {changeId} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("That change does not exist.");
        await db.Entry(change).Collection(c => c.Reviews).LoadAsync(ct);
        await db.Entry(change).Collection(c => c.Transitions).LoadAsync(ct);
        return change;
    }

    private static void RequireDetails(ChangeDetails details)
    {
        RequireText(details.Title, "Title", "a title", 200, multiLine: false);
        RequireText(details.Reason, "Reason", "a reason", MaxTextLength);
        TextRules.Require(details.TicketUrl, "TicketUrl", multiLine: false);
        // http(s) only: the link is rendered as an anchor, and javascript: or data: would run in a reviewer's browser.
        if (!string.IsNullOrWhiteSpace(details.TicketUrl)
            && !(Uri.TryCreate(details.TicketUrl.Trim(), UriKind.Absolute, out var ticket) && ticket.Scheme is "https" or "http" && ticket.Host.Length > 0))
            throw new DomainRuleException("The ticket link must be an absolute http(s) URL, e.g. https://tickets.example.com/OPS-42.", "TicketUrl");
        if (!Enum.IsDefined(details.Risk))
            throw new DomainRuleException("Risk is low, medium or high.", "Risk");
    }

    private static void RequireText(string? value, string field, string what, int max, bool multiLine = true)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new DomainRuleException($"Give {what}.", field);
        TextRules.Require(value, field, multiLine);
        if (value.Length > max)
            throw new DomainRuleException($"{char.ToUpperInvariant(what[0])}{what[1..]} is longer than {max} characters.", field);
    }
}
