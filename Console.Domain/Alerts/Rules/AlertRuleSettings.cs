namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// Everything an admin sets on a rule (its kind is fixed once created). Thresholds are in the kind's unit
/// (<see cref="AlertRuleKinds.ThresholdUnit"/>). <see cref="ShortWindow"/> and <see cref="Objective"/> matter to burn-rate
/// rules only; <see cref="Window"/> and <see cref="MinimumVolume"/> to the kinds that read over a window.
/// </summary>
public sealed record AlertRuleSettings(
    string Name,
    AlertLevel Level,
    double Threshold,
    double ClearThreshold,
    TimeSpan Window,
    TimeSpan HoldFor,
    TimeSpan ClearFor,
    long MinimumVolume = 0,
    TimeSpan? ShortWindow = null,
    double? Objective = null,
    string? Service = null,
    string? Target = null,
    bool Enabled = true)
{
    public RuleThresholds Thresholds => new(Threshold, ClearThreshold, MinimumVolume);

    /// <summary>Trimmed, with blank names of a service or target as none.</summary>
    public AlertRuleSettings Normalized() => this with
    {
        Name = (Name ?? "").Trim(),
        Service = string.IsNullOrWhiteSpace(Service) ? null : Service.Trim(),
        Target = string.IsNullOrWhiteSpace(Target) ? null : Target.Trim(),
    };
}

/// <summary>The ranges a rule's settings may take, checked on every edit and on the defaults from configuration.</summary>
public static class AlertRuleRules
{
    public const int MaxNameLength = 80;
    public static readonly TimeSpan MaxHold = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(1);
    /// <summary>A checkout window reads minute buckets: at most a day, so that an evaluation every 10 s stays cheap.</summary>
    public static readonly TimeSpan MaxCheckoutWindow = TimeSpan.FromDays(1);
    /// <summary>The lock monitor keeps an hour of deadlock ticks.</summary>
    public static readonly TimeSpan MaxDeadlockWindow = TimeSpan.FromHours(1);

    /// <summary>Throws <see cref="DomainRuleException"/> naming the first setting out of range.</summary>
    public static void Check(AlertRuleKind kind, AlertRuleSettings s)
    {
        if (!Enum.IsDefined(kind))
            Fail("Kind", "Choose one of the rule kinds.");
        if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Trim().Length > MaxNameLength)
            Fail(nameof(s.Name), $"Give the rule a name of 1 to {MaxNameLength} characters.");
        if (!Enum.IsDefined(s.Level))
            Fail(nameof(s.Level), "The level is Page or Ticket.");
        if (!double.IsFinite(s.Threshold) || s.Threshold <= 0)
            Fail(nameof(s.Threshold), $"The threshold is a number above zero ({kind.ThresholdUnit()}).");
        if (kind == AlertRuleKind.CheckoutFailureRate && s.Threshold > 1)
            Fail(nameof(s.Threshold), "A failure rate is a fraction of attempts: at most 1 (0.05 is 5 %).");
        if (!double.IsFinite(s.ClearThreshold) || s.ClearThreshold <= 0 || s.ClearThreshold > s.Threshold)
            Fail(nameof(s.ClearThreshold), "The clear threshold is above zero and at most the threshold: a firing rule clears only below it.");
        if (kind.HasWindow())
        {
            var max = kind == AlertRuleKind.DeadlocksPerMinute ? MaxDeadlockWindow : MaxCheckoutWindow;
            if (s.Window < MinWindow || s.Window > max)
                Fail(nameof(s.Window), $"The window is from {AlertReadings.Span(MinWindow)} to {AlertReadings.Span(max)}.");
            if (s.Window.Ticks % TimeSpan.TicksPerMinute != 0)
                Fail(nameof(s.Window), "The window is whole minutes (checkout figures are kept per minute).");
        }
        if (kind.ReadsCheckout() && s.MinimumVolume is < 0 or > 1_000_000)
            Fail(nameof(s.MinimumVolume), "The minimum volume is from 0 to 1,000,000 attempts.");
        if (kind == AlertRuleKind.SloBurnRate)
        {
            if (s.ShortWindow is not { } shortWindow || shortWindow < MinWindow || shortWindow >= s.Window || shortWindow.Ticks % TimeSpan.TicksPerMinute != 0)
                Fail(nameof(s.ShortWindow), "The short window is whole minutes, at least 1 min and shorter than the window.");
            if (s.Objective is not ({ } objective and >= 0.5 and < 1))
                Fail(nameof(s.Objective), "The objective is the share of checkouts that should succeed: from 0.5 up to, not including, 1 (0.995 is 99.5 %).");
        }
        if (s.HoldFor < TimeSpan.Zero || s.HoldFor > MaxHold)
            Fail(nameof(s.HoldFor), $"Hold for is from zero to {AlertReadings.Span(MaxHold)}.");
        if (s.ClearFor < TimeSpan.Zero || s.ClearFor > MaxHold)
            Fail(nameof(s.ClearFor), $"Clear for is from zero to {AlertReadings.Span(MaxHold)}.");
        if (s.Service is { Length: > 100 })
            Fail(nameof(s.Service), "A service name is at most 100 characters.");
        if (s.Target is { Length: > 63 })
            Fail(nameof(s.Target), "A target name is at most 63 characters.");
    }

    /// <summary>The first problem, or null; for configuration, whose keys name the field differently.</summary>
    public static DomainRuleException? Problem(AlertRuleKind kind, AlertRuleSettings settings)
    {
        try
        {
            Check(kind, settings);
            return null;
        }
        catch (DomainRuleException problem)
        {
            return problem;
        }
    }

    private static void Fail(string field, string message) => throw new DomainRuleException(message, field);
}
