namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>A suspect as an incident keeps it between rankings: which change, and how strongly.</summary>
public sealed record RankedChange(int ChangeNumber, SuspectStrength Strength)
{
    public static RankedChange Of(Suspect suspect) => new(suspect.ChangeNumber, suspect.Strength);
}

/// <summary>
/// What a new ranking changed, in words for the incident's timeline ("Suspects re-ranked: #12 … is now first
/// (Strong)"), or null when nothing a reader would act on changed: scores move with every minute of evidence, and a
/// timeline entry for each would bury the ones that matter (a new first suspect, a strength, a new change).
/// </summary>
public static class SuspectRerank
{
    public static string? Describe(IReadOnlyList<RankedChange> before, IReadOnlyList<Suspect> after)
    {
        if (after.Count == 0)
            return null;
        if (before.Count == 0)
            return $"Suspects found: first {Name(after[0])} ({after[0].Strength}); {after.Count} in all.";
        var previous = before.ToDictionary(r => r.ChangeNumber);
        var parts = new List<string>();
        if (before[0].ChangeNumber != after[0].ChangeNumber)
            parts.Add($"{Name(after[0])} is now first ({after[0].Strength}), before #{before[0].ChangeNumber}");
        foreach (var suspect in after)
        {
            if (!previous.TryGetValue(suspect.ChangeNumber, out var was))
                parts.Add($"{Name(suspect)} is new ({suspect.Strength})");
            else if (was.Strength != suspect.Strength)
                parts.Add($"#{suspect.ChangeNumber} {was.Strength} → {suspect.Strength}");
        }
        return parts.Count == 0 ? null : $"Suspects re-ranked: {string.Join("; ", parts)}.";
    }

    private static string Name(Suspect suspect) => $"#{suspect.ChangeNumber} {suspect.Title}";
}
