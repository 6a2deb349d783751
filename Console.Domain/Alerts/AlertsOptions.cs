using OpsConsole.Domain.Alerts.Rules;

namespace OpsConsole.Domain.Alerts;

/// <summary>
/// The console's own alerting (<c>Alerts</c>): how often rules are evaluated, and the default rules. The defaults are seeded
/// into the store once each (by name) and edited on /admin/alert-rules from then on; with none configured, the built-in set
/// (<see cref="AlertRuleDefaults"/>) is seeded.
/// </summary>
public sealed class AlertsOptions : IValidatedOptions
{
    public const string Section = "Alerts";

    /// <summary>Evaluates the rules (on one instance of the store at a time). Alerts from outside are taken either way.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(10);

    public List<ConfiguredAlertRule> Rules { get; set; } = [];

    public IReadOnlyList<(AlertRuleKind Kind, AlertRuleSettings Settings)> Defaults() =>
        Rules.Count == 0 ? AlertRuleDefaults.Builtin : Rules.Select(r => (r.Kind, r.ToSettings())).ToList();

    public string? Problem()
    {
        if (EvaluationInterval < TimeSpan.FromSeconds(1) || EvaluationInterval > TimeSpan.FromMinutes(5))
            return $"{Section}:EvaluationInterval is from 1 second to 5 minutes; it is {EvaluationInterval}.";
        foreach (var (rule, index) in Rules.Select((r, i) => (r, i)))
            if (AlertRuleRules.Problem(rule.Kind, rule.ToSettings()) is { } problem)
                return $"{Section}:Rules:{index}:{problem.Field} (the rule {rule.Name}): {problem.Message}";
        var duplicate = Rules.GroupBy(r => r.Name.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"{Section}:Rules names the rule {duplicate.Key} more than once.";
    }
}

/// <summary>A default rule as configuration gives it; see <see cref="AlertRuleSettings"/> for what each setting means.</summary>
public sealed class ConfiguredAlertRule
{
    public AlertRuleKind Kind { get; set; }
    public string Name { get; set; } = "";
    public AlertLevel Level { get; set; } = AlertLevel.Page;
    public double Threshold { get; set; }
    public double ClearThreshold { get; set; }
    public TimeSpan Window { get; set; }
    public TimeSpan? ShortWindow { get; set; }
    public double? Objective { get; set; }
    public long MinimumVolume { get; set; }
    public TimeSpan HoldFor { get; set; }
    public TimeSpan ClearFor { get; set; }
    public string? Service { get; set; }
    public string? Target { get; set; }
    public bool Enabled { get; set; } = true;

    public AlertRuleSettings ToSettings() =>
        new AlertRuleSettings(Name, Level, Threshold, ClearThreshold, Window, HoldFor, ClearFor, MinimumVolume, ShortWindow, Objective, Service, Target, Enabled)
            .Normalized();
}
