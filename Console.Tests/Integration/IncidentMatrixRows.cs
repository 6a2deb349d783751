using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Incidents.Suspects;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;
using static OpsConsole.Tests.Integration.PermissionMatrixTests;

namespace OpsConsole.Tests.Integration;

/// <summary>The permission matrix's rows for <see cref="IncidentService"/>: every method needs ManageIncidents, audited under <c>incident:n</c>.</summary>
public static class IncidentMatrixRows
{
    public static IEnumerable<KeyValuePair<string, MutatingMethod>> All =>
    [
        Row("OpenAsync", (f, actor, u) => Task.FromResult(new MatrixCall("incident:new", async () =>
            IncidentService.Subject((await Service(f).OpenAsync(actor, new NewIncident($"Matrix {u}", IncidentSeverity.Sev3, u))).Number)))),
        Row("SetStatusAsync", (f, actor, u) => OnIncidentAsync(f, u, id => Service(f).SetStatusAsync(actor, id, IncidentStatus.Identified))),
        Row("SetSeverityAsync", (f, actor, u) => OnIncidentAsync(f, u, id => Service(f).SetSeverityAsync(actor, id, IncidentSeverity.Sev1))),
        Row("AssignCommanderAsync", async (f, actor, u) =>
        {
            var commander = await f.App.CreateUserAsync(u, TargetFixture.Password, Roles.OnCall);
            return await OnIncidentAsync(f, u, id => Service(f).AssignCommanderAsync(actor, id, commander));
        }),
        Row("AddNoteAsync", (f, actor, u) => OnIncidentAsync(f, u, id => Service(f).AddNoteAsync(actor, id, "matrix"))),
        Row("EditNoteAsync", (f, actor, u) => OnNoteAsync(f, actor, u, (id, note) => Service(f).EditNoteAsync(actor, id, note, "edited"))),
        Row("DeleteNoteAsync", (f, actor, u) => OnNoteAsync(f, actor, u, (id, note) => Service(f).DeleteNoteAsync(actor, id, note))),
        Row("MarkCauseAsync", async (f, actor, u) =>
        {
            // Applied, so that the watcher's own ranking keeps it among the suspects too.
            var change = await f.ApprovedSqlAsync(u);
            Assert.True((await f.App.Service<ChangeApplier>().ApplyAsync(f.Reviewer, change.Id)).Succeeded);
            return await OnIncidentAsync(f, u, async id =>
            {
                await SuspectAsync(f, id, change);
                await Service(f).MarkCauseAsync(actor, id, change.Id);
            });
        }),
        Row("RollBackSuspectAsync", async (f, actor, u) =>
        {
            var change = await f.ApprovedSqlAsync(u);
            Assert.True((await f.App.Service<ChangeApplier>().ApplyAsync(f.Reviewer, change.Id)).Succeeded);
            return await OnIncidentAsync(f, u, async id =>
            {
                await SuspectAsync(f, id, change);
                Assert.True((await Service(f).RollBackSuspectAsync(actor, id, new RollbackRequest(change.Id, "matrix"))).Succeeded);
            });
        }),
    ];

    private static KeyValuePair<string, MutatingMethod> Row(string method, Arrange arrange) =>
        new($"{nameof(IncidentService)}.{method}", new MutatingMethod(Permission.ManageIncidents, arrange));

    private static IncidentService Service(PermissionMatrixFixture f) => f.App.Service<IncidentService>();

    private static async Task<MatrixCall> OnIncidentAsync(PermissionMatrixFixture f, string unique, Func<Guid, Task> act)
    {
        var incident = await Service(f).OpenAsync(Actor.System, new NewIncident($"Matrix {unique}", IncidentSeverity.Sev3, unique, f.TargetId));
        return new MatrixCall(IncidentService.Subject(incident.Number), async () =>
        {
            await act(incident.Id);
            return null;
        });
    }

    /// <summary>Only a note's author edits or deletes it: an actor who may manage incidents wrote it, for others anyone did.</summary>
    private static async Task<MatrixCall> OnNoteAsync(PermissionMatrixFixture f, Actor actor, string unique, Func<Guid, long, Task> act)
    {
        var incident = await Service(f).OpenAsync(Actor.System, new NewIncident($"Matrix {unique}", IncidentSeverity.Sev3, unique));
        var note = await Service(f).AddNoteAsync(actor.Can(Permission.ManageIncidents) ? actor : Actor.System, incident.Id, "matrix note");
        return new MatrixCall(IncidentService.Subject(incident.Number), async () =>
        {
            await act(incident.Id, note);
            return null;
        });
    }

    /// <summary>Made a suspect directly if the ranking left it out: the matrix is about who may act, not about how suspects are ranked.</summary>
    private static async Task SuspectAsync(PermissionMatrixFixture f, Guid incidentId, ConfigChange change)
    {
        await using var db = await f.App.Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        if (await db.IncidentSuspects.AnyAsync(s => s.IncidentId == incidentId && s.ChangeId == change.Id))
            return;
        db.IncidentSuspects.Add(new IncidentSuspect(incidentId, 1, new Suspect(change.Id, change.Number, change.Title, null, 0.5,
            SuspectStrength.Possible, ["matrix"]), DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
    }
}
