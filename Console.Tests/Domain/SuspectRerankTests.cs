using OpsConsole.Domain.Incidents.Suspects;

namespace OpsConsole.Tests.Domain;

/// <summary>Which re-rankings become timeline entries, and in which words.</summary>
public sealed class SuspectRerankTests
{
    private static Suspect S(int number, SuspectStrength strength, double score = 0.5) =>
        new(Guid.NewGuid(), number, $"Tune setting {number}", null, score, strength, []);

    [Fact]
    public void TheFirstRanking_SaysWhoIsFirst_AndHowMany()
    {
        var text = SuspectRerank.Describe([], [S(12, SuspectStrength.Strong), S(9, SuspectStrength.Possible)]);

        Assert.Equal("Suspects found: first #12 Tune setting 12 (Strong); 2 in all.", text);
    }

    [Fact]
    public void AnotherScore_InTheSameOrderAndStrengths_IsNotWorthAnEntry()
    {
        RankedChange[] before = [new(12, SuspectStrength.Strong), new(9, SuspectStrength.Possible)];

        Assert.Null(SuspectRerank.Describe(before, [S(12, SuspectStrength.Strong, 0.9), S(9, SuspectStrength.Possible, 0.31)]));
        Assert.Null(SuspectRerank.Describe(before, []));
    }

    [Fact]
    public void ANewFirstSuspect_AStrengthChange_AndANewChange_AreAllSaid()
    {
        RankedChange[] before = [new(9, SuspectStrength.Possible), new(12, SuspectStrength.Possible)];

        var text = SuspectRerank.Describe(before, [S(12, SuspectStrength.Strong), S(9, SuspectStrength.Possible), S(15, SuspectStrength.Weak)]);

        Assert.Equal("Suspects re-ranked: #12 Tune setting 12 is now first (Strong), before #9; #12 Possible → Strong; #15 Tune setting 15 is new (Weak).",
            text);
    }
}
