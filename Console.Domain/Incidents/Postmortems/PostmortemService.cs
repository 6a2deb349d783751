using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Live;

namespace OpsConsole.Domain.Incidents.Postmortems;

/// <summary>
/// Postmortems of incidents: drafted from the incident, saved as new versions, compared, downloaded, and their action
/// items tracked. Every mutation needs <see cref="Permission.ManageIncidents"/>, runs in one transaction with its audit
/// entry (a refusal is audited too), and is announced as <see cref="PostmortemUpdated"/> after it commits. Anyone reads.
/// </summary>
public sealed class PostmortemService(IDbContextFactory<OpsDbContext> dbFactory, AccessGuard guard, AuditLog audit, LiveEvents live, TimeProvider time)
{
    /// <summary>The subject of a postmortem's audit entries (by incident: postmortems have no number of their own).</summary>
    public static string Subject(Guid incidentId) => $"postmortem:{incidentId}";

    /// <summary>Drafts the postmortem from the incident's facts: its first version, or a new one over what is there (kept as history).</summary>
    public async Task<PostmortemVersion> DraftAsync(Actor actor, Guid incidentId, PostmortemFacts facts, TimeZoneInfo? zone = null, CancellationToken ct = default)
    {
        PostmortemVersion? drafted = null;
        await MutateAsync(actor, incidentId, "postmortem.drafted", (postmortem, now) =>
        {
            var items = postmortem.ActionItems.OrderBy(i => i.CreatedAt).Select(i => new PostmortemActionLine(i.Title, i.Owner, i.Due, i.Status)).ToList();
            drafted = postmortem.AddVersion(PostmortemDrafter.Draft(facts, items, zone), PostmortemVersionSource.Drafted, null, actor, now);
            return new { version = drafted.Number, incident = facts.IncidentNumber };
        }, ct);
        return drafted!;
    }

    /// <summary>Saves an edit as the next version; refused when someone saved after <paramref name="basedOnVersion"/> (nothing is lost).</summary>
    public async Task<PostmortemVersion> SaveAsync(Actor actor, Guid incidentId, string markdown, int basedOnVersion, CancellationToken ct = default)
    {
        PostmortemVersion? saved = null;
        await MutateAsync(actor, incidentId, "postmortem.saved", (postmortem, now) =>
        {
            saved = postmortem.AddVersion(markdown, PostmortemVersionSource.Edited, basedOnVersion, actor, now);
            return new { version = saved.Number, basedOn = basedOnVersion, length = markdown.Length };
        }, ct);
        return saved!;
    }

    public async Task<ActionItem> AddActionItemAsync(Actor actor, Guid incidentId, ActionItemRequest request, CancellationToken ct = default)
    {
        ActionItem? added = null;
        await MutateAsync(actor, incidentId, "postmortem.action_item_added", (postmortem, now) =>
        {
            added = postmortem.AddActionItem(request.Title, request.Owner, request.Due, actor, now);
            return new { item = added.Id, title = added.Title, owner = added.Owner, due = added.Due };
        }, ct);
        return added!;
    }

    public Task UpdateActionItemAsync(Actor actor, Guid itemId, ActionItemRequest request, ActionItemStatus status, CancellationToken ct = default) =>
        MutateItemAsync(actor, itemId, "postmortem.action_item_updated", (item, now) =>
        {
            var before = new { title = item.Title, owner = item.Owner, due = item.Due, status = item.Status.ToString() };
            item.Update(request.Title, request.Owner, request.Due, status, actor, now);
            return new { item = item.Id, before, after = new { title = item.Title, owner = item.Owner, due = item.Due, status = item.Status.ToString() } };
        }, ct);

    public Task CloseActionItemAsync(Actor actor, Guid itemId, CancellationToken ct = default) =>
        MutateItemAsync(actor, itemId, "postmortem.action_item_closed", (item, now) =>
        {
            item.Close(actor, now);
            return new { item = item.Id, title = item.Title };
        }, ct);

    /// <summary>The postmortem with its latest text, its versions (without their text) and its action items; null when there is none.</summary>
    public async Task<PostmortemView?> GetAsync(Guid incidentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var postmortem = await db.Postmortems.AsNoTracking().FirstOrDefaultAsync(p => p.IncidentId == incidentId, ct);
        if (postmortem is null)
            return null;
        var versions = await db.PostmortemVersions.AsNoTracking().Where(v => v.PostmortemId == postmortem.Id).OrderByDescending(v => v.Number)
            .Select(v => new PostmortemVersionInfo(v.Number, v.Source, v.AuthorName, v.CreatedAt, v.Markdown.Length)).ToListAsync(ct);
        var latest = await db.PostmortemVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PostmortemId == postmortem.Id && v.Number == postmortem.LatestVersion, ct);
        var items = await db.ActionItems.AsNoTracking().Where(a => a.PostmortemId == postmortem.Id).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        return new PostmortemView(incidentId, latest, versions, items);
    }

    public async Task<PostmortemVersion?> VersionAsync(Guid incidentId, int number, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from v in db.PostmortemVersions.AsNoTracking()
                      join p in db.Postmortems on v.PostmortemId equals p.Id
                      where p.IncidentId == incidentId && v.Number == number
                      select v).FirstOrDefaultAsync(ct);
    }

    /// <summary>What changed from version <paramref name="from"/> to version <paramref name="to"/>.</summary>
    public async Task<PostmortemDiff> DiffAsync(Guid incidentId, int from, int to, CancellationToken ct = default)
    {
        var older = await VersionAsync(incidentId, from, ct) ?? throw new DomainRuleException($"Version {from} of this postmortem does not exist.", "From");
        var newer = await VersionAsync(incidentId, to, ct) ?? throw new DomainRuleException($"Version {to} of this postmortem does not exist.", "To");
        return PostmortemDiff.Between(older.Number, older.Markdown, newer.Number, newer.Markdown);
    }

    /// <summary>The latest version as a Markdown file to download; null before the first version.</summary>
    public async Task<PostmortemFile?> MarkdownFileAsync(Guid incidentId, string incidentLabel, CancellationToken ct = default)
    {
        var view = await GetAsync(incidentId, ct);
        if (view?.Latest is not { } latest)
            return null;
        var label = new string(incidentLabel.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return new PostmortemFile($"postmortem-{(label.Length > 0 ? label : "incident")}-v{latest.Number}.md", latest.Markdown);
    }

    /// <summary>Action items not done yet, over all incidents, soonest due first: what managers chase.</summary>
    public async Task<IReadOnlyList<OpenActionItem>> OpenActionItemsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from a in db.ActionItems.AsNoTracking()
                      join p in db.Postmortems on a.PostmortemId equals p.Id
                      where a.Status != ActionItemStatus.Done
                      orderby a.Due, a.CreatedAt
                      select new OpenActionItem(p.IncidentId, a.Id, a.Title, a.Owner, a.Due, a.Status)).ToListAsync(ct);
    }

    private async Task MutateAsync(Actor actor, Guid incidentId, string action, Func<Postmortem, DateTimeOffset, object> mutate, CancellationToken ct)
    {
        var subject = Subject(incidentId);
        await guard.DemandAsync(actor, Permission.ManageIncidents, action, subject, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var postmortem = await LockAsync(db, incidentId, ct);
        if (postmortem is null)
            db.Postmortems.Add(postmortem = new Postmortem(incidentId, now));
        var details = await RunRuleAsync(actor, action, subject, tx, () => mutate(postmortem, now), ct);
        audit.Record(db, actor, action, subject, details);
        await CommitAsync(db, tx, ct);
        live.Publish(new PostmortemUpdated(incidentId, postmortem.LatestVersion));
    }

    private async Task MutateItemAsync(Actor actor, Guid itemId, string action, Func<ActionItem, DateTimeOffset, object> mutate, CancellationToken ct)
    {
        await guard.DemandAsync(actor, Permission.ManageIncidents, action, async (db, c) =>
            await IncidentOfItemAsync(db, itemId, c) is { } incident ? Subject(incident) : $"action_item:{itemId}", ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incidentId = await IncidentOfItemAsync(db, itemId, ct) ?? throw new DomainRuleException("That action item does not exist.");
        // The postmortem's row is the lock every change to it takes, items included.
        var postmortem = (await LockAsync(db, incidentId, ct))!;
        var item = postmortem.ActionItems.Single(i => i.Id == itemId);
        var subject = Subject(incidentId);
        var details = await RunRuleAsync(actor, action, subject, tx, () => mutate(item, time.GetUtcNow()), ct);
        audit.Record(db, actor, action, subject, details);
        await CommitAsync(db, tx, ct);
        live.Publish(new PostmortemUpdated(incidentId, postmortem.LatestVersion));
    }

    /// <summary>Runs the entity's rule; a refusal rolls the transaction back and is audited on its own.</summary>
    private async Task<object> RunRuleAsync(Actor actor, string action, string subject, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx,
        Func<object> rule, CancellationToken ct)
    {
        try
        {
            return rule();
        }
        catch (DomainRuleException refused)
        {
            await tx.RollbackAsync(ct);
            await using var refusal = await dbFactory.CreateDbContextAsync(ct);
            audit.Record(refusal, actor, action, subject, new { refused = refused.Message }, AuditOutcome.Refused);
            await refusal.SaveChangesAsync(ct);
            throw;
        }
    }

    private static async Task CommitAsync(OpsDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Only when two people start the same incident's postmortem at once: the row lock orders everything after that.
            throw new DomainRuleException("Someone else started this postmortem at the same moment: reload and try again.");
        }
    }

    /// <summary>The postmortem row-locked, with its latest version (all a save compares with) and its action items.</summary>
    private static async Task<Postmortem?> LockAsync(OpsDbContext db, Guid incidentId, CancellationToken ct)
    {
        var postmortem = await db.Postmortems.FromSql($"SELECT * FROM postmortems WHERE \"IncidentId\" = {incidentId} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (postmortem is null)
            return null;
        await db.Entry(postmortem).Collection(p => p.Versions).Query().Where(v => v.Number == postmortem.LatestVersion).LoadAsync(ct);
        await db.Entry(postmortem).Collection(p => p.ActionItems).LoadAsync(ct);
        return postmortem;
    }

    private static Task<Guid?> IncidentOfItemAsync(OpsDbContext db, Guid itemId, CancellationToken ct) =>
        (from a in db.ActionItems join p in db.Postmortems on a.PostmortemId equals p.Id where a.Id == itemId select (Guid?)p.IncidentId)
        .FirstOrDefaultAsync(ct);
}

/// <summary>What an action item form sends: the same for adding and editing.</summary>
public sealed record ActionItemRequest(string Title, string Owner, DateOnly? Due);

public sealed record PostmortemVersionInfo(int Number, PostmortemVersionSource Source, string AuthorName, DateTimeOffset CreatedAt, int Length);

public sealed record PostmortemView(Guid IncidentId, PostmortemVersion? Latest, IReadOnlyList<PostmortemVersionInfo> Versions, IReadOnlyList<ActionItem> ActionItems);

public sealed record PostmortemFile(string FileName, string Markdown);

public sealed record OpenActionItem(Guid IncidentId, Guid ItemId, string Title, string Owner, DateOnly? Due, ActionItemStatus Status);
