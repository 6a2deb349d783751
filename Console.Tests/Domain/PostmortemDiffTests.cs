using OpsConsole.Domain.Incidents.Postmortems;

namespace OpsConsole.Tests.Domain;

public sealed class PostmortemDiffTests
{
    [Fact]
    public void AnEditedLine_IsOneRemovedAndOneAdded_WithTheirOwnLineNumbers()
    {
        var diff = PostmortemDiff.Between(1, "# Postmortem\n## Summary\nCause: unknown\n## Timeline\n", 2, "# Postmortem\n## Summary\nCause: change #7\n## Timeline\n");

        Assert.Equal((1, 1), (diff.Added, diff.Removed));
        Assert.Equal(
            [
                new DiffLine(DiffLineKind.Unchanged, 1, 1, "# Postmortem"),
                new DiffLine(DiffLineKind.Unchanged, 2, 2, "## Summary"),
                new DiffLine(DiffLineKind.Removed, 3, null, "Cause: unknown"),
                new DiffLine(DiffLineKind.Added, null, 3, "Cause: change #7"),
                new DiffLine(DiffLineKind.Unchanged, 4, 4, "## Timeline"),
            ],
            diff.Lines);
    }

    [Fact]
    public void AddedAndRemovedLines_ShiftTheNumbersOfWhatFollows()
    {
        var diff = PostmortemDiff.Between(2, "a\nb\nc\nd", 3, "a\nnew\nb\nd");

        Assert.Equal((1, 1), (diff.Added, diff.Removed));
        Assert.Contains(new DiffLine(DiffLineKind.Added, null, 2, "new"), diff.Lines);
        Assert.Contains(new DiffLine(DiffLineKind.Removed, 3, null, "c"), diff.Lines);
        Assert.Contains(new DiffLine(DiffLineKind.Unchanged, 4, 4, "d"), diff.Lines);
    }

    [Fact]
    public void TheSameWords_WithWindowsLineEnds_AreNoChange()
    {
        var diff = PostmortemDiff.Between(1, "one\ntwo\n", 2, "one\r\ntwo\r\n");

        Assert.Equal((0, 0), (diff.Added, diff.Removed));
    }

    [Fact]
    public void IndentationCounts_AsItChangesWhatMarkdownMeans()
    {
        var diff = PostmortemDiff.Between(1, "- item\n- sub", 2, "- item\n    - sub");

        Assert.Equal((1, 1), (diff.Added, diff.Removed));
    }
}
