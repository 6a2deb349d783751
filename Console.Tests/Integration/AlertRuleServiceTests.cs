using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.Audit;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Admins edit alert rules on a real store: audited with old and new values, bad values refused by field, others refused and audited.</summary>
public sealed class AlertRuleServiceTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private static readonly Actor Admin = new("alerts-admin", "alerts-admin", [Roles.Admin]);
    private static readonly Actor Dba = new("alerts-dba", "alerts-dba", [Roles.Dba]);

    private AlertRuleService Rules => fixture.App.Service<AlertRuleService>();

    private static AlertRuleSettings Deadlocks(string name) =>
        new(name, AlertLevel.Ticket, 2, 0.5, TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromMinutes(5));

    private async Task<List<AuditEntry>> AuditAsync(string subject) =>
        (await fixture.App.Service<AuditQueries>().ListAsync(new AuditFilter(Subject: subject), 0, 100, default)).Entries.ToList();

    [Fact]
    public async Task Update_ByAnAdmin_IsSaved_AndAuditedWithTheOldAndNewValues()
    {
        var id = await Rules.CreateAsync(Admin, AlertRuleKind.DeadlocksPerMinute, Deadlocks("Deadlocks on edit"));

        await Rules.UpdateAsync(Admin, id, Deadlocks("Deadlocks on edit") with { Threshold = 4, Level = AlertLevel.Page });

        var rule = await Rules.GetAsync(id);
        Assert.Equal((4.0, AlertLevel.Page, "alerts-admin"), (rule.Threshold, rule.Level, rule.UpdatedBy));
        var entry = (await AuditAsync(AlertRuleService.Subject("Deadlocks on edit"))).Single(e => e.Action == "alert_rule.updated");
        Assert.Equal(("alerts-admin", AuditOutcome.Succeeded), (entry.ActorName, entry.Outcome));
        var changed = JsonDocument.Parse(entry.Details).RootElement.GetProperty("changed");
        Assert.Equal((2.0, 4.0), (changed.GetProperty("Threshold").GetProperty("from").GetDouble(), changed.GetProperty("Threshold").GetProperty("to").GetDouble()));
        Assert.Equal(("Ticket", "Page"), (changed.GetProperty("Level").GetProperty("from").GetString(), changed.GetProperty("Level").GetProperty("to").GetString()));
        Assert.Equal(["Level", "Threshold"], changed.EnumerateObject().Select(p => p.Name).Order()); // only what changed
    }

    [Fact]
    public async Task Update_WithABadValue_IsRefusedNamingTheField_AndChangesNothing()
    {
        var id = await Rules.CreateAsync(Admin, AlertRuleKind.DeadlocksPerMinute, Deadlocks("Deadlocks kept"));

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() =>
            Rules.UpdateAsync(Admin, id, Deadlocks("Deadlocks kept") with { ClearThreshold = 9 }));

        Assert.Equal("ClearThreshold", refusal.Field);
        Assert.Equal(0.5, (await Rules.GetAsync(id)).ClearThreshold);
        Assert.DoesNotContain(await AuditAsync(AlertRuleService.Subject("Deadlocks kept")), e => e.Action == "alert_rule.updated");
    }

    [Fact]
    public async Task Update_ByADba_IsRefused_AndTheRefusalIsAudited()
    {
        var id = await Rules.CreateAsync(Admin, AlertRuleKind.DeadlocksPerMinute, Deadlocks("Deadlocks guarded"));

        var refusal = await Assert.ThrowsAsync<AccessDeniedException>(() => Rules.UpdateAsync(Dba, id, Deadlocks("Deadlocks guarded") with { Threshold = 9 }));

        Assert.Equal(Permission.ManageAlertRules, refusal.Permission);
        Assert.Equal(2, (await Rules.GetAsync(id)).Threshold);
        var entry = Assert.Single(await AuditAsync(AlertRuleService.Subject("Deadlocks guarded")), e => e.Outcome == AuditOutcome.Refused);
        Assert.Equal(("alert_rule.updated", "alerts-dba"), (entry.Action, entry.ActorName));
    }

    [Fact]
    public async Task ASecondRuleOfTheSameName_IsRefused()
    {
        await Rules.CreateAsync(Admin, AlertRuleKind.DeadlocksPerMinute, Deadlocks("Deadlocks twice"));

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Rules.CreateAsync(Admin, AlertRuleKind.DeadlocksPerMinute, Deadlocks("Deadlocks twice")));

        Assert.Equal("Name", refusal.Field);
    }

    [Fact]
    public async Task Disable_ThenEnable_AreAudited_AndDisablingTwice_IsRefused()
    {
        var id = await Rules.CreateAsync(Admin, AlertRuleKind.DeadlocksPerMinute, Deadlocks("Deadlocks toggled"));

        await Rules.SetEnabledAsync(Admin, id, enabled: false);
        await Assert.ThrowsAsync<DomainRuleException>(() => Rules.SetEnabledAsync(Admin, id, enabled: false));
        await Rules.SetEnabledAsync(Admin, id, enabled: true);

        Assert.True((await Rules.GetAsync(id)).Enabled);
        var actions = (await AuditAsync(AlertRuleService.Subject("Deadlocks toggled"))).Select(e => e.Action).ToList();
        Assert.Contains("alert_rule.disabled", actions);
        Assert.Contains("alert_rule.enabled", actions);
    }

    [Fact]
    public async Task TheDefaults_AreSeededOnce_AndAnEditedDefault_IsNotOverwrittenBySeedingAgain()
    {
        var name = $"Seeded default {Guid.NewGuid():N}"[..30];
        List<(AlertRuleKind, AlertRuleSettings)> defaults = [(AlertRuleKind.DeadlocksPerMinute, Deadlocks(name))];

        Assert.Equal(1, await Rules.SeedAsync(defaults));
        var seeded = (await Rules.ListAsync()).Single(r => r.Name == name);
        await Rules.UpdateAsync(Admin, seeded.Id, Deadlocks(name + " renamed") with { Threshold = 7 });

        Assert.Equal(0, await Rules.SeedAsync(defaults));
        var all = await Rules.ListAsync();
        Assert.DoesNotContain(all, r => r.Name == name);
        Assert.Equal(7, all.Single(r => r.Id == seeded.Id).Threshold);
    }

    [Fact]
    public async Task TheConsole_SeedsTheBuiltinRules_AndEvaluatesThem()
    {
        var rules = await Poll.UntilAsync(() => Rules.ListAsync(),
            all => AlertRuleDefaults.Builtin.All(d => all.Any(r => r.SeedKey == d.Settings.Name && r.LastEvaluatedAt is not null)),
            TimeSpan.FromSeconds(60), "the built-in rules seeded and evaluated");

        var failureRate = rules.Single(r => r.SeedKey == "Checkout failure rate");
        Assert.Equal((AlertRuleKind.CheckoutFailureRate, AlertRuleStatus.Ok), (failureRate.Kind, failureRate.Status));
        Assert.Contains("minimum volume", failureRate.LastSummary); // no checkout traffic on this store
    }

    [Fact]
    public void TheExampleSettings_ConfigureExactlyTheBuiltinDefaults()
    {
        // The embedded default seeds the built-in set; an operator copying the example gets the same rules.
        var options = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "appsettings.Example.json")).Build()
            .GetSection(AlertsOptions.Section).Get<AlertsOptions>()!;

        Assert.Null(options.Problem());
        Assert.Equal(AlertRuleDefaults.Builtin, options.Defaults());
    }
}
