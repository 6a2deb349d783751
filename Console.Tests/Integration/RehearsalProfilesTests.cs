using System.Text.Json;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Load profiles on a real store: the built-in one is there from the start; DBAs save and delete, audited; bad values and Viewers are refused.</summary>
public sealed class RehearsalProfilesTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private static readonly Actor Dba = new("profiles-dba", "profiles-dba", [Roles.Dba]);
    private static readonly Actor Viewer = new("profiles-viewer", "profiles-viewer", [Roles.Viewer]);

    private RehearsalProfiles Profiles => fixture.App.Service<RehearsalProfiles>();

    private static RehearsalProfileSettings Named(string name) => RehearsalProfileDefaults.Peak with { Name = name };

    private async Task<List<AuditEntry>> AuditAsync(string name) =>
        (await fixture.App.Service<AuditQueries>().ListAsync(new AuditFilter(Subject: RehearsalProfiles.Subject(name)), 0, 100, default)).Entries.ToList();

    [Fact]
    public async Task ANewStore_HoldsTheBuiltInProfile_AsTheCodeDescribesIt()
    {
        var builtIn = await Profiles.GetAsync(RehearsalProfileDefaults.PeakId);

        Assert.Equal(RehearsalProfileDefaults.Peak, builtIn.Settings);
        Assert.Equal(builtIn.Id, (await Profiles.GetByNameAsync("BLACK FRIDAY PEAK")).Id);
    }

    [Fact]
    public async Task Save_ByADba_CreatesThenEdits_EachAuditedWithWhatChanged()
    {
        var id = await Profiles.SaveAsync(Dba, null, Named("  Cyber Monday  "));
        await Profiles.SaveAsync(Dba, id, Named("Cyber Monday") with { ConcurrentShoppers = 12, Thresholds = RehearsalThresholds.Default with { P95Factor = 1.5 } });

        var saved = await Profiles.GetAsync(id);
        Assert.Equal(("Cyber Monday", 12, 1.5, "profiles-dba"), (saved.Name, saved.ConcurrentShoppers, saved.P95Factor, saved.UpdatedBy));
        Assert.Contains(await Profiles.ListAsync(), p => p.Id == id);
        var entries = await AuditAsync("Cyber Monday");
        Assert.Equal(["rehearsal_profile.created", "rehearsal_profile.updated"], entries.OrderBy(e => e.Id).Select(e => e.Action));
        var changed = JsonDocument.Parse(entries.Single(e => e.Action == "rehearsal_profile.updated").Details).RootElement.GetProperty("changed");
        Assert.Equal(["ConcurrentShoppers", "P95Factor"], changed.EnumerateArray().Select(c => c.GetString()).Order());
    }

    [Fact]
    public async Task Save_WithABadValue_IsRefusedNamingTheField_AndChangesNothing()
    {
        var id = await Profiles.SaveAsync(Dba, null, Named("Kept as it was"));

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Profiles.SaveAsync(Dba, id, Named("Kept as it was") with { HotShare = 2 }));

        Assert.Equal("HotShare", refusal.Field);
        Assert.Equal(0.6, (await Profiles.GetAsync(id)).HotShare);
        Assert.DoesNotContain(await AuditAsync("Kept as it was"), e => e.Action == "rehearsal_profile.updated");
    }

    [Fact]
    public async Task ASecondProfileOfTheSameName_WhateverItsCase_IsRefused()
    {
        await Profiles.SaveAsync(Dba, null, Named("Twice named"));

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Profiles.SaveAsync(Dba, null, Named("TWICE NAMED")));

        Assert.Equal("Name", refusal.Field);
        Assert.Single(await Profiles.ListAsync(), p => p.Name.Equals("twice named", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SaveAndDelete_ByAViewer_AreRefused_AndAudited_AndChangeNothing()
    {
        var id = await Profiles.SaveAsync(Dba, null, Named("Guarded"));

        var refusals = new[]
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => Profiles.SaveAsync(Viewer, null, Named("Viewer's own"))),
            await Assert.ThrowsAsync<AccessDeniedException>(() => Profiles.SaveAsync(Viewer, id, Named("Guarded") with { Rounds = 1 })),
            await Assert.ThrowsAsync<AccessDeniedException>(() => Profiles.DeleteAsync(Viewer, id)),
        };

        Assert.All(refusals, r => Assert.Equal(Permission.RunRehearsals, r.Permission));
        Assert.Equal(3, (await Profiles.GetAsync(id)).Rounds);
        Assert.DoesNotContain(await Profiles.ListAsync(), p => p.Name == "Viewer's own");
        Assert.Equal(["rehearsal_profile.deleted", "rehearsal_profile.updated"],
            (await AuditAsync("Guarded")).Where(e => e.Outcome == AuditOutcome.Refused).Select(e => e.Action).Order());
        Assert.Single(await AuditAsync("Viewer's own"), e => e.Outcome == AuditOutcome.Refused && e.Action == "rehearsal_profile.created");
    }

    [Fact]
    public async Task Delete_ByADba_RemovesTheProfile_AndIsAudited()
    {
        var id = await Profiles.SaveAsync(Dba, null, Named("Short-lived"));

        await Profiles.DeleteAsync(Dba, id);

        Assert.DoesNotContain(await Profiles.ListAsync(), p => p.Id == id);
        await Assert.ThrowsAsync<DomainRuleException>(() => Profiles.GetAsync(id));
        Assert.Single(await AuditAsync("Short-lived"), e => e.Action == "rehearsal_profile.deleted" && e.ActorName == "profiles-dba");
    }
}
