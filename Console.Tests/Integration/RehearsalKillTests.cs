using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Data;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// Day two: a console process killed with kill -9 while its rehearsal has the change applied on staging. The console that
/// is still running (the fixture's, heartbeats every second, stale after three) reverts staging to exactly its earlier
/// settings and ends the rehearsal as interrupted, and the staging target takes a new rehearsal.
/// </summary>
[Collection(StagingCollection.Name)]
public sealed class RehearsalKillTests(StagingFixture fixture)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AConsoleKilledMidRehearsal_IsRevertedByTheOtherConsole_AndTheRehearsalEndsAsInterrupted()
    {
        var change = await fixture.App.Service<ChangeRegistry>().RegisterSettingAsync(fixture.Dba, new SettingChangeRequest(fixture.ProductionId,
            "work_mem", "24MB", new ChangeDetails("More memory per sort", "Optimize query performance", null, ChangeRisk.Medium, null), true));
        var profile = RehearsalProfileDefaults.Peak with { Name = $"Kill test {Guid.NewGuid():N}"[..20], Duration = TimeSpan.FromSeconds(60), Rounds = 1 };
        await fixture.App.Service<RehearsalProfiles>().SaveAsync(fixture.Dba, null, profile);
        var token = (await fixture.App.Service<PersonalTokens>().CreateAsync(fixture.Dba, $"kill-{Guid.NewGuid():N}"[..12], [ApiScopes.RehearsalsWrite])).Key;
        var before = await fixture.PgSettingsAsync();

        var port = ConsoleProcess.FreePort();
        await using var victim = ConsoleProcess.Start(RepoPaths.WebProject, new Dictionary<string, string>
        {
            ["ConnectionStrings__Console"] = fixture.StoreConnectionString,
            ["Instances__HeartbeatInterval"] = "00:00:01",
            ["Serilog__WriteTo__File__Args__path"] = Path.Combine(fixture.App.LogFolder, "victim-.json"),
        }, RepoPaths.BuiltConsole, "--urls", $"http://127.0.0.1:{port}");
        var url = await victim.WaitUntilListeningAsync(StartTimeout);
        using var client = new HttpClient { BaseAddress = url };
        client.DefaultRequestHeaders.Add(ConsoleApi.KeyHeader, token);
        var started = await client.PostAsJsonAsync($"/api/v1/changes/{change.Number}/rehearsals", new { target = "staging", profile = profile.Name },
            TestContext.Current.CancellationToken);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var rehearsals = fixture.App.Service<RehearsalService>();
        var running = await Poll.UntilAsync(async () => (await rehearsals.ForChangeAsync(change.Id)).SingleOrDefault(),
            r => r?.Phase == RehearsalPhase.WithChange, StartTimeout, "the victim's run with the change");
        Assert.Equal("24MB", await fixture.ShowAsync("work_mem"));

        victim.Kill();

        var ended = await Poll.UntilAsync(() => rehearsals.GetAsync(running!.Id), r => r is { IsUnderWay: false }, TimeSpan.FromMinutes(1),
            "the other console to end the interrupted rehearsal");
        Assert.Equal(RehearsalStatus.NotRun, ended!.Status);
        Assert.Contains("stopped midway", ended.Reason);
        Assert.True(ended.RevertExact, ended.RevertOutcome);
        Assert.Equal(before, await fixture.PgSettingsAsync());
        Assert.Null((await fixture.App.Service<ChangeRegistry>().GetAsync(change.Id))!.LastRehearsalPassed);
        await using (var db = await fixture.App.Service<IDbContextFactory<OpsDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var id = ended.Id.ToString();
            var entries = (await db.AuditEntries.Where(e => e.Action == StagingReverts.Action || e.Action == RehearsalRecovery.InterruptedAction)
                .ToListAsync(TestContext.Current.CancellationToken)).Where(e => e.Details.Contains(id)).ToList();
            Assert.Contains(entries, e => e.Action == StagingReverts.Action && e.Outcome == AuditOutcome.Succeeded);
            Assert.Contains(entries, e => e.Action == RehearsalRecovery.InterruptedAction);
        }

        // The target is free again: the next rehearsal starts (and is cancelled here at once).
        var next = await rehearsals.StartAsync(fixture.Dba, new RehearsalRequest(change.Number, fixture.TargetId, profile.Name));
        await rehearsals.CancelAsync(fixture.Dba, next.Id);
        await Poll.UntilAsync(() => rehearsals.GetAsync(next.Id), r => r is { IsUnderWay: false }, TimeSpan.FromMinutes(1), "the next rehearsal to end");
        Assert.Equal(before, await fixture.PgSettingsAsync());
    }
}
