using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace OpsConsole.Domain.Incidents.Postmortems;

public enum DiffLineKind { Unchanged, Added, Removed }

/// <summary>One line of a diff, with its number in the older text, the newer one, or both.</summary>
public sealed record DiffLine(DiffLineKind Kind, int? OldNumber, int? NewNumber, string Text);

/// <summary>What changed between two versions of a postmortem, line by line, in the newer version's order.</summary>
public sealed record PostmortemDiff(int FromVersion, int ToVersion, IReadOnlyList<DiffLine> Lines)
{
    public int Added => Lines.Count(l => l.Kind == DiffLineKind.Added);
    public int Removed => Lines.Count(l => l.Kind == DiffLineKind.Removed);

    /// <summary>A line diff (DiffPlex); whitespace counts, since in Markdown it can change the meaning.</summary>
    public static PostmortemDiff Between(int fromVersion, string older, int toVersion, string newer)
    {
        var model = InlineDiffBuilder.Diff(Normalize(older), Normalize(newer), ignoreWhiteSpace: false, ignoreCase: false);
        var (oldNumber, newNumber) = (0, 0);
        var lines = new List<DiffLine>(model.Lines.Count);
        foreach (var piece in model.Lines)
        {
            switch (piece.Type)
            {
                case ChangeType.Inserted:
                    lines.Add(new(DiffLineKind.Added, null, ++newNumber, piece.Text ?? ""));
                    break;
                case ChangeType.Deleted:
                    lines.Add(new(DiffLineKind.Removed, ++oldNumber, null, piece.Text ?? ""));
                    break;
                case ChangeType.Imaginary:
                    break;
                default:
                    lines.Add(new(DiffLineKind.Unchanged, ++oldNumber, ++newNumber, piece.Text ?? ""));
                    break;
            }
        }
        return new PostmortemDiff(fromVersion, toVersion, lines);
    }

    // A text saved from a browser on Windows has CRLF: the same words must not show as every line changed. Trailing
    // line breaks mean nothing in Markdown.
    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n');
}
