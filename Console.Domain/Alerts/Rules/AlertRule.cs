namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// A rule the console evaluates itself: its settings (edited by admins, every edit audited) and where it stands (written by
/// the evaluator). The state is stored with the rule so that a restarted console resumes a firing alert instead of firing
/// it again. Defaults from configuration are seeded once, by their name as <see cref="SeedKey"/>, then edited here.
/// </summary>
public sealed class AlertRule
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public AlertRuleKind Kind { get; private set; }
    public string Name { get; private set; } = "";
    public AlertLevel Level { get; private set; }
    public double Threshold { get; private set; }
    public double ClearThreshold { get; private set; }
    public TimeSpan Window { get; private set; }
    public TimeSpan HoldFor { get; private set; }
    public TimeSpan ClearFor { get; private set; }
    public long MinimumVolume { get; private set; }
    public TimeSpan? ShortWindow { get; private set; }
    public double? Objective { get; private set; }
    public string? Service { get; private set; }
    public string? Target { get; private set; }
    public bool Enabled { get; private set; }
    /// <summary>The configured default this rule was seeded from (its name then), so that it is seeded once, even if renamed.</summary>
    public string? SeedKey { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public string UpdatedBy { get; private set; } = "";

    // Where the rule stands, written by the evaluator only.
    public AlertRuleStatus Status { get; private set; }
    public DateTimeOffset? ConditionSince { get; private set; }
    public DateTimeOffset? ClearingSince { get; private set; }
    /// <summary>The target the firing alert named, so that its resolution names the same one.</summary>
    public string? AlertTarget { get; private set; }
    public double? LastValue { get; private set; }
    public string? LastSummary { get; private set; }
    public DateTimeOffset? LastEvaluatedAt { get; private set; }

    private AlertRule() { }

    public AlertRule(AlertRuleKind kind, AlertRuleSettings settings, string by, DateTimeOffset now, string? seedKey = null)
    {
        Kind = kind;
        Apply(settings, by, now);
        CreatedAt = now;
        SeedKey = seedKey;
    }

    public AlertRuleSettings Settings => new(Name, Level, Threshold, ClearThreshold, Window, HoldFor, ClearFor, MinimumVolume, ShortWindow, Objective,
        Service, Target, Enabled);

    public RuleState State => new(Status, ConditionSince, ClearingSince);

    /// <summary>Replaces the settings once they pass <see cref="AlertRuleRules"/>; returns what changed, old and new, for the audit.</summary>
    public IReadOnlyDictionary<string, object?[]> Edit(AlertRuleSettings settings, string by, DateTimeOffset now)
    {
        var before = Settings;
        Apply(settings, by, now);
        var after = Settings;
        return typeof(AlertRuleSettings).GetProperties()
            .Where(p => p.Name != nameof(AlertRuleSettings.Thresholds) && !Equals(p.GetValue(before), p.GetValue(after)))
            .ToDictionary(p => p.Name, p => new[] { p.GetValue(before), p.GetValue(after) });
    }

    /// <summary>Records an evaluation: the new state and the reading it came from.</summary>
    public void Record(RuleState state, RuleReading reading, DateTimeOffset now, string? alertTarget)
    {
        (Status, ConditionSince, ClearingSince) = (state.Status, state.ConditionSince, state.ClearingSince);
        AlertTarget = state.IsFiring ? alertTarget : null;
        LastValue = reading.Value is { } v && double.IsFinite(v) ? v : null;
        LastSummary = reading.Summary.Length > 1000 ? reading.Summary[..1000] : reading.Summary;
        LastEvaluatedAt = now;
    }

    /// <summary>A disabled rule stands nowhere: it resolves what it had fired and starts afresh when enabled again.</summary>
    public void Reset(DateTimeOffset now, string summary) => Record(RuleState.Ok, RuleReading.NoData(summary), now, null);

    private void Apply(AlertRuleSettings settings, string by, DateTimeOffset now)
    {
        settings = settings.Normalized();
        AlertRuleRules.Check(Kind, settings);
        (Name, Level, Threshold, ClearThreshold, Window, HoldFor, ClearFor) =
            (settings.Name, settings.Level, settings.Threshold, settings.ClearThreshold, settings.Window, settings.HoldFor, settings.ClearFor);
        var usesVolume = Kind.ReadsCheckout();
        MinimumVolume = usesVolume ? settings.MinimumVolume : 0;
        var burn = Kind == AlertRuleKind.SloBurnRate;
        (ShortWindow, Objective) = burn ? (settings.ShortWindow, settings.Objective) : (null, null);
        if (!Kind.HasWindow())
            Window = TimeSpan.Zero;
        (Service, Target, Enabled) = (settings.Service, settings.Target, settings.Enabled);
        (UpdatedAt, UpdatedBy) = (now, by);
    }
}
