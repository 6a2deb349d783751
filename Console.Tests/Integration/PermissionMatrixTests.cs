using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Locks;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.DemoShop;
using OpsConsole.Domain.Targets;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The service-level permission matrix: every mutating domain method, called by every role (and by a user with no
/// role), is allowed or refused exactly as <see cref="PermissionTable"/> says, and leaves an audit entry under the
/// subject a success carries, found through <see cref="AuditQueries"/> (by change number for changes). A refusal is
/// therefore listed beside the successes when the Audit page is filtered by that subject.
///
/// Rows (one per method; a method added later is one more row, and <see cref="EveryGuardedMethod_HasARow"/> fails until
/// it has one): ChangeRegistry RegisterSetting, RegisterSql, RegisterExternal, Submit, Approve, Reject, Comment,
/// MarkAppliedOutside; ChangeApplier Apply; RollbackProcedure Run; SessionActions CancelQuery, Terminate, Run;
/// UserAdministration Create, SetRoles, SetDisabled; AlertRuleService Create, Update, SetEnabled; ApiKeyService Create, Revoke;
/// AlertIntake Receive; DemoShopControl Start, Stop, Tune; RehearsalProfiles Save (new and edit), Delete; RehearsalService Start,
/// Cancel; ThrowawayStagingTargets Demand, Register, Retire;
/// TargetRegistry Register, RotateConnection, ChangeEnvironment, Pause, Resume, Retire, SetScriptRole,
/// SetAllowDangerousSettings; PostmortemService Draft, Save, AddActionItem, UpdateActionItem, CloseActionItem; IncidentService
/// (<see cref="IncidentMatrixRows"/>).
/// </summary>
public sealed class PermissionMatrixTests(PermissionMatrixFixture fixture) : IClassFixture<PermissionMatrixFixture>
{
    /// <summary>What a call needs, arranged beforehand by someone allowed to; the subject its audit entries carry.</summary>
    public delegate Task<MatrixCall> Arrange(PermissionMatrixFixture fixture, Actor actor, string unique);

    /// <summary>
    /// <paramref name="Act"/> returns the subject of the success when it cannot be known before (a new change's number);
    /// otherwise null, and the success carries <paramref name="Subject"/> like the refusal.
    /// </summary>
    public sealed record MatrixCall(string Subject, Func<Task<string?>> Act);

    public sealed record MutatingMethod(Permission Permission, Arrange Arrange);

    private const string NoRole = "(no role)";
    private static readonly ChangeRisk Low = ChangeRisk.Low;

    private static ChangeDetails Details(string unique) => new($"Matrix {unique}", "Permission matrix", null, Low, null);

    public static readonly IReadOnlyDictionary<string, MutatingMethod> Methods = new Dictionary<string, MutatingMethod>
    {
        ["ChangeRegistry.RegisterSettingAsync"] = new(Permission.RegisterChange, (f, actor, u) => Task.FromResult(new MatrixCall(
            AuditSubjects.Target(PermissionMatrixFixture.TargetName), async () => AuditSubjects.Change((await f.Registry.RegisterSettingAsync(actor,
                new SettingChangeRequest(f.TargetId, "work_mem", "8MB", Details(u)))).Number)))),
        ["ChangeRegistry.RegisterSqlAsync"] = new(Permission.RegisterChange, (f, actor, u) => Task.FromResult(new MatrixCall(
            AuditSubjects.Target(PermissionMatrixFixture.TargetName), async () => AuditSubjects.Change((await f.Registry.RegisterSqlAsync(actor,
                new SqlChangeRequest(f.TargetId, "SELECT 1", "SELECT 2", Details(u)))).Number)))),
        ["ChangeRegistry.RegisterExternalAsync"] = new(Permission.RegisterChange, (f, actor, u) => Task.FromResult(new MatrixCall(
            AuditSubjects.Target(PermissionMatrixFixture.TargetName), async () => AuditSubjects.Change((await f.Registry.RegisterExternalAsync(actor,
                new ExternalChangeRequest(f.TargetId, "Resize the pool", "Resize it back", null, Details(u)))).Number)))),
        // The author submits: the change is registered under the actor's own id (by a DBA of that id).
        ["ChangeRegistry.SubmitAsync"] = new(Permission.RegisterChange, async (f, actor, u) =>
        {
            var change = await f.Registry.RegisterSqlAsync(actor with { Roles = [Roles.Dba] }, new SqlChangeRequest(f.TargetId, "SELECT 1", "SELECT 2", Details(u)));
            return Call(change, () => f.Registry.SubmitAsync(actor, change.Id));
        }),
        ["ChangeRegistry.ApproveAsync"] = new(Permission.ReviewChange, async (f, actor, u) =>
        {
            var change = await f.InReviewAsync(u);
            return Call(change, () => f.Registry.ApproveAsync(actor, change.Id, "fine"));
        }),
        ["ChangeRegistry.RejectAsync"] = new(Permission.ReviewChange, async (f, actor, u) =>
        {
            var change = await f.InReviewAsync(u);
            return Call(change, () => f.Registry.RejectAsync(actor, change.Id, "not now"));
        }),
        ["ChangeRegistry.CommentAsync"] = new(Permission.ReviewChange, async (f, actor, u) =>
        {
            var change = await f.InReviewAsync(u);
            return Call(change, () => f.Registry.CommentAsync(actor, change.Id, "a question"));
        }),
        ["ChangeRegistry.MarkAppliedOutsideAsync"] = new(Permission.ApplyChange, async (f, actor, u) =>
        {
            var change = await f.Registry.RegisterExternalAsync(f.Author, new ExternalChangeRequest(f.TargetId, "Resize the pool", "Resize it back", null,
                Details(u), SubmitForReview: true));
            await f.Registry.ApproveAsync(f.Reviewer, change.Id, "");
            return Call(change, () => f.Registry.MarkAppliedOutsideAsync(actor, change.Id, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }),
        ["ChangeApplier.ApplyAsync"] = new(Permission.ApplyChange, async (f, actor, u) =>
        {
            var change = await f.ApprovedSqlAsync(u);
            return Call(change, () => f.App.Service<ChangeApplier>().ApplyAsync(actor, change.Id));
        }),
        ["RollbackProcedure.RunAsync"] = new(Permission.RollbackChange, async (f, actor, u) =>
        {
            var change = await f.ApprovedSqlAsync(u);
            Assert.True((await f.App.Service<ChangeApplier>().ApplyAsync(f.Reviewer, change.Id)).Succeeded);
            return Call(change, () => f.App.Service<RollbackProcedure>().RunAsync(actor, new RollbackRequest(change.Id, "matrix")));
        }),
        ["SessionActions.CancelQueryAsync"] = new(Permission.TerminateSession, (f, actor, _) => Task.FromResult(new MatrixCall(
            AuditSubjects.Session(PermissionMatrixFixture.TargetName, NoSuchPid), Done(() =>
                f.App.Service<SessionActions>().CancelQueryAsync(actor, f.TargetId, NoSuchPid, "matrix"))))),
        ["SessionActions.TerminateAsync"] = new(Permission.TerminateSession, (f, actor, _) => Task.FromResult(new MatrixCall(
            AuditSubjects.Session(PermissionMatrixFixture.TargetName, NoSuchPid), Done(() =>
                f.App.Service<SessionActions>().TerminateAsync(actor, f.TargetId, NoSuchPid, "matrix"))))),
        ["SessionActions.RunAsync"] = new(Permission.TerminateSession, (f, actor, _) => Task.FromResult(new MatrixCall(
            AuditSubjects.Session(PermissionMatrixFixture.TargetName, NoSuchPid), Done(() =>
                f.App.Service<SessionActions>().RunAsync(actor, f.TargetId, NoSuchPid, "matrix", SessionAction.CancelQuery))))),
        ["UserAdministration.CreateAsync"] = new(Permission.ManageUsers, (f, actor, u) => Task.FromResult(new MatrixCall(
            $"user:{u}", Done(() => f.Users.CreateAsync(actor, new NewUser(u, u, TargetFixture.Password, [Roles.Viewer])))))),
        ["UserAdministration.SetRolesAsync"] = new(Permission.ManageUsers, async (f, actor, u) =>
        {
            var id = await f.App.CreateUserAsync(u, TargetFixture.Password, Roles.Viewer);
            return new MatrixCall($"user:{u}", Done(() => f.Users.SetRolesAsync(actor, id, [Roles.OnCall])));
        }),
        ["UserAdministration.SetDisabledAsync"] = new(Permission.ManageUsers, async (f, actor, u) =>
        {
            var id = await f.App.CreateUserAsync(u, TargetFixture.Password, Roles.Viewer);
            return new MatrixCall($"user:{u}", Done(() => f.Users.SetDisabledAsync(actor, id, disabled: true)));
        }),
        ["ApiKeyService.CreateAsync"] = new(Permission.ManageApiKeys, (f, actor, u) => Task.FromResult(new MatrixCall(
            $"apikey:{u}", Done(() => f.App.Service<ApiKeyService>().CreateAsync(actor, u, [ApiScopes.Read]))))),
        ["ApiKeyService.RevokeAsync"] = new(Permission.ManageApiKeys, async (f, actor, u) =>
        {
            var key = await f.App.Service<ApiKeyService>().CreateAsync(Actor.System, u, [ApiScopes.Read]);
            return new MatrixCall($"apikey:{u}", Done(() => f.App.Service<ApiKeyService>().RevokeAsync(actor, key.Id)));
        }),
        ["AlertIntake.ReceiveAsync"] = new(Permission.SendAlerts, (f, actor, u) => Task.FromResult(new MatrixCall(
            $"alerts:{u}", Done(() => f.App.Service<AlertIntake>().ReceiveAsync(actor,
                [new AlertSignal(u, u, "Matrix alert", AlertLevel.Ticket, "matrix", null, "A ticket from the matrix", DateTimeOffset.UtcNow)]))))),
        ["DemoShopControl.StartAsync"] = new(Permission.ManageDemoShop, (f, actor, _) => Task.FromResult(new MatrixCall(
            f.WorkloadSubject, Done(() => f.Workload().StartAsync(actor))))),
        ["DemoShopControl.StopAsync"] = new(Permission.ManageDemoShop, (f, actor, _) => Task.FromResult(new MatrixCall(
            f.WorkloadSubject, Done(() => f.Workload().StopAsync(actor))))),
        ["DemoShopControl.TuneAsync"] = new(Permission.ManageDemoShop, (f, actor, _) =>
        {
            var workload = f.Workload();
            var settings = workload.Settings;
            settings.RatePerSecond = 2;
            return Task.FromResult(new MatrixCall(f.WorkloadSubject, Done(() => workload.TuneAsync(actor, settings))));
        }),
        ["AlertRuleService.CreateAsync"] = new(Permission.ManageAlertRules, (f, actor, u) => Task.FromResult(new MatrixCall(
            AlertRuleService.Subject(u), Done(() => f.App.Service<AlertRuleService>().CreateAsync(actor, AlertRuleKind.LockWait, LockWaitRule(u)))))),
        ["AlertRuleService.UpdateAsync"] = new(Permission.ManageAlertRules, async (f, actor, u) =>
        {
            var id = await f.App.Service<AlertRuleService>().CreateAsync(Actor.System, AlertRuleKind.LockWait, LockWaitRule(u));
            return new MatrixCall(AlertRuleService.Subject(u), Done(() => f.App.Service<AlertRuleService>().UpdateAsync(actor, id, LockWaitRule(u) with { Threshold = 60 })));
        }),
        ["AlertRuleService.SetEnabledAsync"] = new(Permission.ManageAlertRules, async (f, actor, u) =>
        {
            var id = await f.App.Service<AlertRuleService>().CreateAsync(Actor.System, AlertRuleKind.LockWait, LockWaitRule(u));
            return new MatrixCall(AlertRuleService.Subject(u), Done(() => f.App.Service<AlertRuleService>().SetEnabledAsync(actor, id, enabled: false)));
        }),
        ["RehearsalProfiles.SaveAsync"] = new(Permission.RunRehearsals, (f, actor, u) => Task.FromResult(new MatrixCall(
            RehearsalProfiles.Subject(u), Done(() => f.App.Service<RehearsalProfiles>().SaveAsync(actor, null, RehearsalProfileDefaults.Peak with { Name = u }))))),
        ["RehearsalProfiles.SaveAsync (edit)"] = new(Permission.RunRehearsals, async (f, actor, u) =>
        {
            var id = await f.App.Service<RehearsalProfiles>().SaveAsync(Actor.System, null, RehearsalProfileDefaults.Peak with { Name = u });
            return new MatrixCall(RehearsalProfiles.Subject(u), Done(() => f.App.Service<RehearsalProfiles>().SaveAsync(actor, id,
                RehearsalProfileDefaults.Peak with { Name = u, Rounds = 5 })));
        }),
        ["RehearsalProfiles.DeleteAsync"] = new(Permission.RunRehearsals, async (f, actor, u) =>
        {
            var id = await f.App.Service<RehearsalProfiles>().SaveAsync(Actor.System, null, RehearsalProfileDefaults.Peak with { Name = u });
            return new MatrixCall(RehearsalProfiles.Subject(u), Done(() => f.App.Service<RehearsalProfiles>().DeleteAsync(actor, id)));
        }),
        // A real start on a staging target of its own, cancelled at once: the load stops long before any setting would change.
        ["RehearsalService.StartAsync"] = new(Permission.RunRehearsals, async (f, actor, u) =>
        {
            var (change, target) = await f.RehearsableAsync(u);
            return Call(change, async () =>
            {
                var started = await f.App.Service<RehearsalService>().StartAsync(actor, new RehearsalRequest(change.Number, target, RehearsalProfileDefaults.Peak.Name));
                await f.App.Service<RehearsalService>().CancelAsync(Actor.System, started.Id);
            });
        }),
        ["RehearsalService.CancelAsync"] = new(Permission.RunRehearsals, async (f, actor, u) =>
        {
            var rehearsal = await f.RunningElsewhereAsync(u);
            return new MatrixCall(AuditSubjects.Change(rehearsal.ChangeNumber), Done(() => f.App.Service<RehearsalService>().CancelAsync(actor, rehearsal.Id)));
        }),
        ["ThrowawayStagingTargets.DemandAsync"] = new(Permission.RunRehearsals, (f, actor, u) => Task.FromResult(new MatrixCall(AuditSubjects.Target(u),
            Done(async () =>
            {
                await f.App.Service<ThrowawayStagingTargets>().DemandAsync(actor, ThrowawayStagingTargets.Created, u, CancellationToken.None);
                await f.App.Service<ThrowawayStagingTargets>().RegisterAsync(actor, u, f.TargetConnectionString, "15", new { }, CancellationToken.None);
            })))),
        ["ThrowawayStagingTargets.RegisterAsync"] = new(Permission.RunRehearsals, (f, actor, u) => Task.FromResult(new MatrixCall(AuditSubjects.Target(u),
            Done(() => f.App.Service<ThrowawayStagingTargets>().RegisterAsync(actor, u, f.TargetConnectionString, "15", new { }, CancellationToken.None))))),
        ["ThrowawayStagingTargets.RetireAsync"] = new(Permission.RunRehearsals, async (f, actor, u) =>
        {
            var throwaways = f.App.Service<ThrowawayStagingTargets>();
            var target = await throwaways.RegisterAsync(Actor.System, u, f.TargetConnectionString, "15", new { }, CancellationToken.None);
            return new MatrixCall(AuditSubjects.Target(u), Done(() => throwaways.RetireAsync(actor, target.Id, "matrix", CancellationToken.None)));
        }),
        ["TargetRegistry.RegisterAsync"] = new(Permission.ManageTargets, (f, actor, u) => Task.FromResult(new MatrixCall(
            AuditSubjects.Target(u), Done(() => f.App.Service<TargetRegistry>().RegisterAsync(actor, u, TargetEnvironment.Staging, f.TargetConnectionString))))),
        ["TargetRegistry.RotateConnectionAsync"] = new(Permission.ManageTargets, (f, actor, u) =>
            f.TargetEditAsync(u, (targets, id) => targets.RotateConnectionAsync(actor, id, f.TargetConnectionString))),
        ["TargetRegistry.ChangeEnvironmentAsync"] = new(Permission.ManageTargets, (f, actor, u) =>
            f.TargetEditAsync(u, (targets, id) => targets.ChangeEnvironmentAsync(actor, id, TargetEnvironment.Other))),
        ["TargetRegistry.PauseAsync"] = new(Permission.ManageTargets, (f, actor, u) =>
            f.TargetEditAsync(u, (targets, id) => targets.PauseAsync(actor, id))),
        ["TargetRegistry.ResumeAsync"] = new(Permission.ManageTargets, (f, actor, u) =>
            f.TargetEditAsync(u, (targets, id) => targets.ResumeAsync(actor, id), paused: true)),
        ["TargetRegistry.RetireAsync"] = new(Permission.ManageTargets, (f, actor, u) =>
            f.TargetEditAsync(u, (targets, id) => targets.RetireAsync(actor, id, "matrix"))),
        ["TargetRegistry.SetScriptRoleAsync"] = new(Permission.ManageTargets, (f, actor, u) =>
            f.TargetEditAsync(u, (targets, id) => targets.SetScriptRoleAsync(actor, id, null))),
        ["TargetRegistry.SetAllowDangerousSettingsAsync"] = new(Permission.ManageTargets, (f, actor, u) =>
            f.TargetEditAsync(u, (targets, id) => targets.SetAllowDangerousSettingsAsync(actor, id, true))),
        ["PostmortemService.DraftAsync"] = new(Permission.ManageIncidents, (f, actor, _) => f.PostmortemCall((postmortems, incident) =>
            postmortems.DraftAsync(actor, incident, OpsConsole.Tests.Domain.PostmortemDrafterTests.CheckoutOutage()))),
        ["PostmortemService.SaveAsync"] = new(Permission.ManageIncidents, (f, actor, u) => f.PostmortemCall((postmortems, incident) =>
            postmortems.SaveAsync(actor, incident, $"# Postmortem {u}", basedOnVersion: 0))),
        ["PostmortemService.AddActionItemAsync"] = new(Permission.ManageIncidents, (f, actor, u) => f.PostmortemCall((postmortems, incident) =>
            postmortems.AddActionItemAsync(actor, incident, new ActionItemRequest($"Item {u}", "dora", new DateOnly(2026, 4, 1))))),
        ["PostmortemService.UpdateActionItemAsync"] = new(Permission.ManageIncidents, (f, actor, u) => f.ActionItemCall(u, (postmortems, item) =>
            postmortems.UpdateActionItemAsync(actor, item, new ActionItemRequest($"Item {u}", "bob", new DateOnly(2026, 4, 2)), ActionItemStatus.InProgress))),
        ["PostmortemService.CloseActionItemAsync"] = new(Permission.ManageIncidents, (f, actor, u) => f.ActionItemCall(u, (postmortems, item) =>
            postmortems.CloseActionItemAsync(actor, item))),
    }.Concat(IncidentMatrixRows.All).ToDictionary();

    private const int NoSuchPid = 999_999;

    private static AlertRuleSettings LockWaitRule(string name) =>
        new(name, AlertLevel.Ticket, 30, 5, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMinutes(1));

    private static MatrixCall Call(ConfigChange change, Func<Task> act) => new(AuditSubjects.Change(change.Number), Done(act));

    private static Func<Task<string?>> Done(Func<Task> act) => async () =>
    {
        await act();
        return null;
    };

    public static TheoryData<string, string> EveryMethodForEveryRole()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in Methods.Keys)
            foreach (var role in Roles.All.Append(NoRole))
                data.Add(method, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMethodForEveryRole))]
    public async Task EachRole_IsAllowedOrRefusedAsThePermissionTableSays_AndTheOutcomeIsAuditedUnderTheSubject(string method, string role)
    {
        var row = Methods[method];
        var unique = $"m{Interlocked.Increment(ref PermissionMatrixFixture.Counter)}";
        var actor = new Actor($"matrix-{unique}", $"{(role == NoRole ? "norole" : role.ToLowerInvariant())}-{unique}", role == NoRole ? [] : [role]);
        var call = await row.Arrange(fixture, actor, unique);

        if (PermissionTable.Allows(actor.Roles, row.Permission))
        {
            var successSubject = await call.Act() ?? call.Subject;
            var entries = await AuditedAsync(actor, successSubject);
            Assert.NotEmpty(entries);
            Assert.DoesNotContain(entries, e => e.Outcome == AuditOutcome.Refused);
        }
        else
        {
            var refusal = await Assert.ThrowsAsync<AccessDeniedException>(call.Act);
            Assert.Equal(row.Permission, refusal.Permission);
            // (The author of a change to submit registered it under the same name: only the refusal counts here.)
            var entry = Assert.Single(await AuditedAsync(actor, call.Subject), e => e.Outcome == AuditOutcome.Refused);
            Assert.Equal(row.Permission.ToString(), PermissionOf(entry));
        }
    }

    /// <summary>Reflection keeps the matrix whole: a public method of a guarded service that takes an actor needs a row.</summary>
    [Fact]
    public void EveryGuardedMethod_HasARow()
    {
        var guarded = typeof(AccessGuard).Assembly.GetTypes()
            .Where(t => t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(AccessGuard))))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(Actor)))
                .Select(m => $"{t.Name}.{m.Name}"))
            .Distinct().Order().ToList();

        Assert.NotEmpty(guarded);
        Assert.All(guarded, name => Assert.True(Methods.ContainsKey(name), $"{name} takes an actor but has no row in the permission matrix."));
    }

    private static string PermissionOf(AuditEntry entry) =>
        System.Text.Json.JsonDocument.Parse(entry.Details).RootElement.GetProperty("permission").GetString() ?? "";

    /// <summary>The entries the actor left under the subject, found as the Audit page finds them (by change number for a change).</summary>
    private async Task<List<AuditEntry>> AuditedAsync(Actor actor, string subject)
    {
        var filter = subject.StartsWith("change:", StringComparison.Ordinal) && int.TryParse(subject["change:".Length..], out var number)
            ? new AuditFilter(Actor: actor.Name, ChangeNumber: number)
            : new AuditFilter(Actor: actor.Name, Subject: subject);
        var page = await fixture.App.Service<AuditQueries>().ListAsync(filter, 0, 100, TestContext.Current.CancellationToken);
        return page.Entries.Where(e => e.Subject == subject && e.ActorName == actor.Name).ToList();
    }
}

/// <summary>A console on its own store, with a target database on the test cluster (no setting is ever changed on it).</summary>
public sealed class PermissionMatrixFixture(PostgresClusterFixture postgres) : IAsyncLifetime
{
    public const string TargetName = "matrix";
    public static int Counter;

    public ConsoleApp App { get; private set; } = null!;
    public Guid TargetId { get; private set; }
    public string TargetConnectionString { get; private set; } = "";
    public Actor Author { get; } = new("matrix-author", "matrix-author", [Roles.Dba]);
    public Actor Reviewer { get; } = new("matrix-reviewer", "matrix-reviewer", [Roles.Dba]);

    public ChangeRegistry Registry => App.Service<ChangeRegistry>();

    /// <summary>A postmortem call on an incident of its own (postmortems are audited by incident id).</summary>
    public Task<PermissionMatrixTests.MatrixCall> PostmortemCall(Func<PostmortemService, Guid, Task> act)
    {
        var incident = Guid.NewGuid();
        return Task.FromResult(new PermissionMatrixTests.MatrixCall(PostmortemService.Subject(incident), async () =>
        {
            await act(App.Service<PostmortemService>(), incident);
            return null;
        }));
    }

    /// <summary>A call on an action item that someone allowed added beforehand.</summary>
    public async Task<PermissionMatrixTests.MatrixCall> ActionItemCall(string unique, Func<PostmortemService, Guid, Task> act)
    {
        var incident = Guid.NewGuid();
        var postmortems = App.Service<PostmortemService>();
        var item = await postmortems.AddActionItemAsync(Actor.System, incident, new ActionItemRequest($"Item {unique}", "dora", new DateOnly(2026, 4, 1)));
        return new PermissionMatrixTests.MatrixCall(PostmortemService.Subject(incident), async () =>
        {
            await act(postmortems, item.Id);
            return null;
        });
    }
    public UserAdministration Users => App.Service<UserAdministration>();
    public string WorkloadSubject => $"workload:{TargetName}";

    public async ValueTask InitializeAsync()
    {
        TargetConnectionString = await postgres.CreateTargetDatabaseAsync("matrix_target");
        App = new ConsoleApp(await postgres.CreateStoreAsync("matrix"), new Dictionary<string, string?> { ["Locks:Enabled"] = "false" });
        TargetId = await App.Service<TargetRegistry>().RegisterAsync(Actor.System, TargetName, TargetEnvironment.Staging, TargetConnectionString);
    }

    /// <summary>A target of its own (paused first, if asked), edited by the actor: its subject is the target's name.</summary>
    public async Task<PermissionMatrixTests.MatrixCall> TargetEditAsync(string name, Func<TargetRegistry, Guid, Task> edit, bool paused = false)
    {
        var targets = App.Service<TargetRegistry>();
        var id = await targets.RegisterAsync(Actor.System, name, TargetEnvironment.Staging, TargetConnectionString);
        if (paused)
            await targets.PauseAsync(Actor.System, id);
        return new(AuditSubjects.Target(name), async () =>
        {
            await edit(targets, id);
            return null;
        });
    }

    /// <summary>A workload control of its own, aimed at the matrix target: the app's own would start real traffic.</summary>
    public DemoShopControl Workload() => ActivatorUtilities.CreateInstance<DemoShopControl>(App.Services,
        Options.Create(new DemoShopOptions { Target = TargetName }));

    /// <summary>A setting change on the matrix target, and a staging target of its own (one rehearsal runs per target) to rehearse it on.</summary>
    public async Task<(ConfigChange Change, Guid Target)> RehearsableAsync(string unique)
    {
        var change = await Registry.RegisterSettingAsync(Author, new SettingChangeRequest(TargetId, "work_mem", "8MB",
            new ChangeDetails($"Matrix {unique}", "Permission matrix", null, ChangeRisk.Low, null)));
        return (change, await App.Service<TargetRegistry>().RegisterAsync(Actor.System, $"staging-{unique}", TargetEnvironment.Staging, TargetConnectionString));
    }

    /// <summary>
    /// A rehearsal stored as running on another console instance that is alive (its heartbeat is far ahead), so that nothing
    /// here runs or ends it: a cancel is then only recorded, and no load reaches the shared cluster.
    /// </summary>
    public async Task<Rehearsal> RunningElsewhereAsync(string unique)
    {
        var (change, target) = await RehearsableAsync(unique);
        var elsewhere = Guid.NewGuid();
        await using var db = await App.Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO console_instances (\"Id\", \"Host\", \"StartedAt\", \"HeartbeatAt\") VALUES ({elsewhere}, 'elsewhere', now(), now() + interval '1 day')");
        var rehearsal = new Rehearsal(change.Id, change.Number, target, $"staging-{unique}", RehearsalProfileDefaults.Peak, Actor.System, elsewhere, DateTimeOffset.UtcNow);
        rehearsal.Begin(DateTimeOffset.UtcNow);
        db.Rehearsals.Add(rehearsal);
        await db.SaveChangesAsync();
        return rehearsal;
    }

    public async Task<ConfigChange> InReviewAsync(string unique) =>
        await Registry.RegisterSqlAsync(Author, new SqlChangeRequest(TargetId, "SELECT 1", "SELECT 2",
            new ChangeDetails($"Matrix {unique}", "Permission matrix", null, ChangeRisk.Low, null), SubmitForReview: true));

    /// <summary>An approved SQL change that creates a table of its own (and its rollback drops it).</summary>
    public async Task<ConfigChange> ApprovedSqlAsync(string unique)
    {
        var change = await Registry.RegisterSqlAsync(Author, new SqlChangeRequest(TargetId, $"CREATE TABLE {unique} (id int)", $"DROP TABLE {unique}",
            new ChangeDetails($"Matrix {unique}", "Permission matrix", null, ChangeRisk.Low, null), SubmitForReview: true));
        await Registry.ApproveAsync(Reviewer, change.Id, "");
        return change;
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
