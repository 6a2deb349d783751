using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Instances;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>Two console instances on one store: one evaluates the rules, and the defaults are seeded once.</summary>
public sealed class AlertEvaluatorOnceTests(TwoConsolesFixture consoles) : IClassFixture<TwoConsolesFixture>
{
    [Fact]
    public async Task TwoInstances_OneEvaluates_AndTheDefaultsAreSeededOnce()
    {
        bool Holds(ConsoleApp app) => app.Service<StoreLocks>().Holds(AlertEvaluator.LockName);

        await Poll.UntilAsync(() => Task.FromResult(Holds(consoles.A) || Holds(consoles.B)), held => held, TimeSpan.FromSeconds(30),
            "one instance holding the evaluator's lock");
        var rules = await Poll.UntilAsync(() => consoles.A.Service<AlertRuleService>().ListAsync(),
            all => all.Count(r => r.SeedKey is not null && r.LastEvaluatedAt is not null) == AlertRuleDefaults.Builtin.Count,
            TimeSpan.FromSeconds(30), "the built-in rules seeded and evaluated");

        Assert.NotEqual(Holds(consoles.A), Holds(consoles.B));
        Assert.Equal(AlertRuleDefaults.Builtin.Count, rules.Count(r => r.SeedKey is not null));
        var seeded = await consoles.B.Service<AuditQueries>().ListAsync(new AuditFilter(Action: "alert_rule.seeded"), 0, 100, default);
        Assert.Equal(AlertRuleDefaults.Builtin.Count, seeded.Entries.Count);
    }
}
