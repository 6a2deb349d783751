namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>What a reading is compared with: fire at or above <see cref="Threshold"/>, clear below <see cref="ClearThreshold"/>.</summary>
public sealed record RuleThresholds(double Threshold, double ClearThreshold, long MinimumVolume = 0)
{
    public RuleReading Compare(double value, string summary, string? target = null) =>
        new(value, value >= Threshold, value < ClearThreshold, summary, target);
}
