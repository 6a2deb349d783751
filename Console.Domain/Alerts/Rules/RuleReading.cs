namespace OpsConsole.Domain.Alerts.Rules;

/// <summary>
/// One look at a rule's signal. <see cref="Breaching"/>: at or above the threshold (the condition to fire);
/// <see cref="Clear"/>: below the lower clear threshold (the condition to resolve). Between the two it is neither, so a
/// firing rule stays firing there: that gap is half of the hysteresis, the hold times are the other half.
/// </summary>
/// <param name="Value">The measured value in the kind's unit; null when there was too little to measure.</param>
/// <param name="Summary">The measurement in words, for the alert and the rules page.</param>
/// <param name="Target">The target the reading is about, when the rule watches several and one stood out.</param>
public sealed record RuleReading(double? Value, bool Breaching, bool Clear, string Summary, string? Target = null)
{
    /// <summary>Too little to measure (below the minimum volume, no sample): counts as clear, never as breaching.</summary>
    public static RuleReading NoData(string summary, string? target = null) => new(null, false, true, summary, target);
}
